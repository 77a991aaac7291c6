import type { RunDto } from './runs.js';

/** Body of `POST /jobs/:job/trigger`: one run of the job, now or later. */
export interface TriggerRequest {
  /** Handed to the handler as ctx.params; defaults to the job's params. */
  params?: unknown;
  /** When to run: an ISO 8601 instant (with offset). Exclusive with `delay`. */
  runAt?: string;
  /** Run after this long: milliseconds or an ISO 8601 duration (`PT30M`). Exclusive with `runAt`. */
  delay?: number | string;
  /** The same key for the same job returns the same run (200); with other params it is refused (409). */
  idempotencyKey?: string;
  /** Run as this shard of the job's shards (default 0 of 1). */
  shard?: { index: number; total: number };
}

export interface TriggerBatchRequest {
  requests: TriggerRequest[];
}

export type TriggerOutcome = 'CREATED' | 'EXISTING' | 'CONFLICT';

export interface TriggerBatchItem {
  outcome: TriggerOutcome;
  run?: RunDto;
  error?: { code: string; message: string };
}

export interface TriggerBatchResponse {
  items: TriggerBatchItem[];
}
