import type { RouteStrategy } from '@baton/protocol';

/** What routing knows about one live executor instance (connected to the leader). */
export interface Candidate {
  instanceId: string;
  /** Registration order: earlier connections sort first (FIRST / LAST / FAILOVER). */
  connectedAt: number;
  inFlight: number;
  concurrency: number;
}

/** Per-job memory some strategies need; owned by the dispatcher, kept in memory. */
export interface RoutingMemory {
  /** ROUND_ROBIN: a counter per job. */
  nextIndex(jobId: string): number;
  /** LEAST_FREQUENTLY_USED: how often this job went to this instance. */
  useCount(jobId: string, instanceId: string): number;
  /** LEAST_RECENTLY_USED: when this job last went to this instance (0 = never). */
  lastUsedAt(jobId: string, instanceId: string): number;
  /** Called by the dispatcher after a successful choice. */
  recordUse(jobId: string, instanceId: string, at: number): void;
}

export interface RouteRequest {
  strategy: Exclude<RouteStrategy, 'SHARDING_BROADCAST'>;
  jobId: string;
  runId: string;
  /** Live instances of the run's app that registered its handler (any load). */
  candidates: Candidate[];
  memory: RoutingMemory;
  random?: () => number;
}

export type RouteDecision =
  | { kind: 'chosen'; instanceId: string }
  /** Nobody can take it now; `reason` is shown on the waiting run. */
  | { kind: 'wait'; reason: string };
