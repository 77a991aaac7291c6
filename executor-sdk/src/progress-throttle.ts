/** At most one progress message per run every 250 ms: progress is a hint, not a record. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Throttles one run's progress values. A value that arrives too soon waits for the interval,
 * replaced by any newer one; close() sends the last pending value, so the final progress goes
 * out before the result.
 */
export class ProgressThrottle {
  private lastSent: number | undefined;
  private lastAt = -Infinity;
  private pending: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly send: (value: number) => void,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {}

  push(value: number): void {
    if (this.closed) return;
    if (this.timer === undefined && value === this.lastSent) return;
    const wait = this.lastAt + this.intervalMs - Date.now();
    if (wait <= 0 && this.timer === undefined) {
      this.sendNow(value);
      return;
    }
    this.pending = value;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.pending !== undefined && this.pending !== this.lastSent) this.sendNow(this.pending);
      this.pending = undefined;
    }, Math.max(0, wait));
  }

  close(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending !== undefined && this.pending !== this.lastSent) this.sendNow(this.pending);
    this.closed = true;
  }

  private sendNow(value: number): void {
    this.pending = undefined;
    this.lastSent = value;
    this.lastAt = Date.now();
    this.send(value);
  }
}
