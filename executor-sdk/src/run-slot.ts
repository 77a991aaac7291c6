import { aborted, failed, succeeded, type Settlement } from './outcome.js';
import { createRunContext, makeLogLine, type Handler, type RunInfo, type RunSinks } from './run-context.js';
import { clampDelay } from './internal/timers.js';

export interface RunSlotOptions {
  /** How long a handler may keep running after its signal is aborted. */
  killGraceMs: number;
  maxResultBytes: number;
  /** Called when the handler outlived its grace and the slot reported without it. */
  onIgnoredAbort?(graceMs: number): void;
}

export interface RunReport extends Settlement {
  startedAt: Date;
  finishedAt: Date;
}

/**
 * One execution of a handler, from start to its outcome. It owns the abort signal, the
 * timeout and the grace period after an abort, and settles exactly once: when the handler
 * settles, or when the grace runs out (the handler is then abandoned, still running).
 * The executor and the testing kit share it, so both reach the same outcomes.
 */
export class RunSlot {
  readonly done: Promise<RunReport>;
  private startedAt = new Date();
  private readonly controller = new AbortController();
  private abortReason: unknown;
  private isAborted = false;
  private settled = false;
  private resolveDone!: (report: RunReport) => void;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly handler: Handler,
    private readonly info: RunInfo,
    private readonly sinks: RunSinks,
    private readonly options: RunSlotOptions,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /**
   * Calls the handler now, synchronously, so it can subscribe to its signal before anything
   * can abort it; a synchronous throw is a FAILED run like a rejection.
   */
  start(at = new Date()): void {
    this.startedAt = at;
    // Nothing the handler reports after the slot settled is sent: its result is already out.
    const sinks: RunSinks = {
      log: (line) => {
        if (!this.settled) this.sinks.log(line);
      },
      progress: (value) => {
        if (!this.settled) this.sinks.progress(value);
      },
    };
    const ctx = createRunContext(this.info, this.controller.signal, sinks);
    if (this.info.timeoutMs > 0) this.after(this.info.timeoutMs, () => this.abort('TIMEOUT'));
    let returned: unknown;
    try {
      returned = this.handler(ctx);
    } catch (error) {
      returned = Promise.reject(error);
    }
    Promise.resolve(returned).then(
      (value) => this.settle(this.isAborted ? aborted(this.abortReason, this.info.timeoutMs) : succeeded(value, this.options.maxResultBytes)),
      (error: unknown) => this.settle(this.isAborted ? aborted(this.abortReason, this.info.timeoutMs) : failed(error)),
    );
  }

  /**
   * Aborts the handler's signal with `reason` and gives it `graceMs` to settle. Only the first
   * abort counts. Returns false when the run already ended or was already aborted.
   */
  abort(reason: unknown, graceMs = this.options.killGraceMs): boolean {
    if (this.settled || this.isAborted) return false;
    this.isAborted = true;
    this.abortReason = reason;
    this.after(graceMs, () => this.abandon(graceMs));
    this.controller.abort(reason);
    return true;
  }

  private abandon(graceMs: number): void {
    if (this.settled) return;
    this.sinks.log(makeLogLine('warn', [`The handler ignored the abort signal (${String(this.abortReason)}) and was still running after ${graceMs} ms; reporting the run without it`]));
    this.settle({ ...aborted(this.abortReason, this.info.timeoutMs), handlerIgnoredAbort: true });
    this.options.onIgnoredAbort?.(graceMs);
  }

  private settle(settlement: Settlement): void {
    if (this.settled) return;
    this.settled = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.resolveDone({ ...settlement, startedAt: this.startedAt, finishedAt: new Date() });
  }

  private after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, clampDelay(ms));
    this.timers.add(timer);
  }
}
