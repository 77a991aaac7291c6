import { format } from 'node:util';
import type { LogLevel, LogLine, RunShard } from '@baton/protocol';

/** The run whose end started this one (child runs only). */
export interface RunParent {
  runId: string;
  jobKey: string;
  status: string;
  result: unknown;
}

/** What a handler knows about the run it executes. */
export interface RunInfo<P = unknown> {
  runId: string;
  attempt: number;
  jobId: string;
  /** `app:name` */
  jobKey: string;
  params: P;
  shard: RunShard;
  scheduledAt: Date;
  triggerType: string;
  parent: RunParent | null;
  /** 0 = no timeout. */
  timeoutMs: number;
}

/** `ctx.log(...)` logs at info; `ctx.log.warn(...)` etc. pick the level. Arguments format like console.log. */
export interface RunLog {
  (...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface RunContext<P = unknown> extends Omit<RunInfo<P>, 'timeoutMs'> {
  /** Aborted on timeout ('TIMEOUT'), kill ('KILLED' | 'TIMEOUT' | 'COVERED') or shutdown ('SHUTDOWN'); `signal.reason` says which. */
  readonly signal: AbortSignal;
  readonly log: RunLog;
  /** Percent done, clamped to an integer 0..100. */
  progress(percent: number): void;
}

/** `P` defaults to `any` so `ctx.params.x` works without a cast; give it a type for checked params. */
export type Handler<P = any, R = unknown> = (ctx: RunContext<P>) => R | Promise<R>;

/** Where a context sends what the handler reports. */
export interface RunSinks {
  log(line: LogLine): void;
  progress(percent: number): void;
}

/** The server truncates longer lines; doing it here keeps batches small and the testing kit honest. */
export const MAX_LOG_LINE_CHARS = 16_384;

export function makeLogLine(level: LogLevel, args: unknown[], now = new Date()): LogLine {
  let message = format(...args);
  if (message.length > MAX_LOG_LINE_CHARS) message = `${message.slice(0, MAX_LOG_LINE_CHARS)}… [line truncated]`;
  return { at: now.toISOString(), level, message };
}

/** Integer 0..100, or null for values that mean nothing (NaN, non-numbers). */
export function clampProgress(value: unknown): number | null {
  if (typeof value !== 'number' || Number.isNaN(value)) return null;
  return Math.round(Math.min(100, Math.max(0, value)));
}

/** Builds the object handed to a handler; the executor and the testing kit both use it. */
export function createRunContext<P>(info: RunInfo<P>, signal: AbortSignal, sinks: RunSinks): RunContext<P> {
  const at = (level: LogLevel) => (...args: unknown[]) => sinks.log(makeLogLine(level, args));
  const log = Object.assign(at('info'), { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') });
  return Object.freeze({
    runId: info.runId,
    attempt: info.attempt,
    jobId: info.jobId,
    jobKey: info.jobKey,
    params: info.params,
    shard: Object.freeze({ ...info.shard }),
    scheduledAt: info.scheduledAt,
    triggerType: info.triggerType,
    parent: info.parent,
    signal,
    log,
    progress(percent: number) {
      const value = clampProgress(percent);
      if (value !== null) sinks.progress(value);
    },
  });
}
