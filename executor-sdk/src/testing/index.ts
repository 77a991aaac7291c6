/**
 * `@baton/executor-sdk/testing`: run a handler in-process, without a server, through the same
 * context and outcome code the executor uses, and look at what it reported.
 */
import type { ExecutorOutcome, LogLine, RunError, RunShard } from '@baton/protocol';
import type { Handler, RunInfo, RunParent } from '../run-context.js';
import { RunSlot } from '../run-slot.js';

export interface RunHandlerOptions<P = unknown> {
  params?: P;
  attempt?: number;
  shard?: RunShard;
  runId?: string;
  jobId?: string;
  jobKey?: string;
  scheduledAt?: Date | string;
  triggerType?: string;
  /** Abort the handler's signal with 'TIMEOUT' after this long (0 = never), as the executor does. */
  timeoutMs?: number;
  /** Aborting it aborts the handler's signal with the same reason, like a kill ('TIMEOUT' → TIMED_OUT, anything else → CANCELLED). */
  signal?: AbortSignal;
  parent?: RunParent | null;
  /** How long a handler may ignore its aborted signal before the run is reported without it. Default 10000. */
  killGraceMs?: number;
  /** Default 65536, as in the executor. */
  maxResultBytes?: number;
}

export interface RunHandlerResult {
  outcome: ExecutorOutcome;
  result?: unknown;
  error?: RunError;
  /** Every line the handler logged, in order. */
  logs: LogLine[];
  /** Every progress value reported, clamped but not throttled (the executor throttles what it sends). */
  progress: number[];
  handlerIgnoredAbort?: boolean;
}

export async function runHandler<P = unknown>(handler: Handler<P>, options: RunHandlerOptions<P> = {}): Promise<RunHandlerResult> {
  const logs: LogLine[] = [];
  const progress: number[] = [];
  const slot = new RunSlot(handler as Handler, runInfo(options), { log: (l) => logs.push(l), progress: (p) => progress.push(p) }, {
    killGraceMs: options.killGraceMs ?? 10_000,
    maxResultBytes: options.maxResultBytes ?? 65_536,
  });
  const external = options.signal;
  const onAbort = () => slot.abort(external!.reason);
  external?.addEventListener('abort', onAbort, { once: true });
  slot.start();
  if (external?.aborted) onAbort();
  try {
    const { outcome, result, error, handlerIgnoredAbort } = await slot.done;
    return {
      outcome,
      ...(outcome === 'SUCCEEDED' ? { result } : {}),
      ...(error ? { error } : {}),
      logs,
      progress,
      ...(handlerIgnoredAbort ? { handlerIgnoredAbort } : {}),
    };
  } finally {
    external?.removeEventListener('abort', onAbort);
  }
}

function runInfo<P>(o: RunHandlerOptions<P>): RunInfo {
  return {
    runId: o.runId ?? 'test-run',
    attempt: o.attempt ?? 1,
    jobId: o.jobId ?? 'test-job',
    jobKey: o.jobKey ?? 'test:job',
    params: o.params ?? null,
    shard: o.shard ?? { index: 0, total: 1 },
    scheduledAt: o.scheduledAt === undefined ? new Date() : new Date(o.scheduledAt),
    triggerType: o.triggerType ?? 'MANUAL',
    parent: o.parent ?? null,
    timeoutMs: o.timeoutMs ?? 0,
  };
}

export type { Handler, RunContext, RunLog, RunParent } from '../run-context.js';
export type { ExecutorOutcome, LogLine, RunError, RunShard } from '@baton/protocol';
