import type { RunStatus, TriggerType } from '../enums.js';
import type { LogLine, RunShard } from '../executor-protocol.js';

export interface RunDto {
  id: string;
  jobId: string;
  /** `app:name`, or null when the job has since been deleted. */
  jobKey: string | null;
  appId: string;
  triggerType: TriggerType;
  status: RunStatus;
  /** Why it waits, was skipped, cancelled or lost, in words. */
  statusReason: string | null;
  attempt: number;
  /** The first attempt of this run's chain (null on the first attempt). */
  rootRunId: string | null;
  parentRunId: string | null;
  shard: RunShard;
  params: unknown;
  executorId: string | null;
  dispatchCount: number;
  progress: number | null;
  result: unknown;
  error: { message: string; stack: string | null; retryable: boolean } | null;
  /** The last attempt failed: the run is in the dead-letter list. */
  dead: boolean;
  /** Every step of the run's path, null until reached. */
  createdAt: string;
  scheduledAt: string;
  fireTime: string | null;
  dispatchedAt: string | null;
  ackedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  leaseUntil: string | null;
  killRequestedAt: string | null;
  plannedEpoch: string | null;
  updatedAt: string;
}

export interface RunLogChunkDto {
  seq: number;
  lines: LogLine[];
}

export interface RunLogPage {
  runId: string;
  chunks: RunLogChunkDto[];
  /** Pass back as `after` to get what came since. */
  lastSeq: number;
  /** True when lines were dropped because the run hit RUN_LOG_MAX_BYTES. */
  truncated: boolean;
}

export interface ExecutorInstanceDto {
  id: string;
  app: string;
  appId: string;
  hostname: string;
  pid: number;
  sdkVersion: string;
  handlers: string[];
  concurrency: number;
  labels: Record<string, string>;
  status: 'ONLINE' | 'OFFLINE';
  /** Told to drain (it finishes its runs and takes no new ones), as its heartbeats report to this node. */
  draining: boolean;
  inFlight: number;
  connectedAt: string;
  lastHeartbeatAt: string;
}

/** Socket.io namespace `/console`: live run status and log lines for the admin console. */
export const CONSOLE_NAMESPACE = '/console';

export interface ConsoleServerEvents {
  'run.status.v1': (run: Pick<RunDto, 'id' | 'jobId' | 'status' | 'statusReason' | 'progress' | 'updatedAt'>) => void;
  'run.logs.v1': (msg: { runId: string; chunks: RunLogChunkDto[] }) => void;
}

export interface ConsoleClientEvents {
  /** Follow one run: its status changes and log lines after `afterSeq`. */
  'run.follow.v1': (msg: { runId: string; afterSeq?: number }, ack: (reply: { ok: boolean; error?: string }) => void) => void;
  'run.unfollow.v1': (msg: { runId: string }) => void;
}
