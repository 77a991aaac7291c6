import type { LogLine } from '@baton/protocol';

export interface LogBatchLimits {
  flushMs: number;
  maxLines: number;
  maxBytes: number;
}

/** Protocol guidance: one message per run every 200 ms at most, unless 100 lines or 64 KiB pile up first. */
export const DEFAULT_LOG_LIMITS: LogBatchLimits = { flushMs: 200, maxLines: 100, maxBytes: 64 * 1024 };

/** Rough wire size of a line: its text plus the JSON around it. */
const lineBytes = (line: LogLine) => Buffer.byteLength(line.message, 'utf8') + 64;

/**
 * Gathers one run's log lines into numbered batches (seq from 1), so the server can store a
 * re-sent batch once. It only batches: delivery and re-sending belong to the outbox.
 */
export class LogBatcher {
  private lines: LogLine[] = [];
  private bytes = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly emit: (seq: number, lines: LogLine[]) => void,
    private readonly limits: LogBatchLimits = DEFAULT_LOG_LIMITS,
  ) {}

  add(line: LogLine): void {
    if (this.closed) return;
    const size = lineBytes(line);
    if (this.lines.length > 0 && this.bytes + size > this.limits.maxBytes) this.flush();
    this.lines.push(line);
    this.bytes += size;
    if (this.lines.length >= this.limits.maxLines || this.bytes >= this.limits.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.limits.flushMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    this.bytes = 0;
    this.emit(++this.seq, lines);
  }

  /** Flushes what is left; later lines are dropped (the run has ended). */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
