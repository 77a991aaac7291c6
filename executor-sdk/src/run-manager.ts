import type { DispatchMessage, DispatchReply, HeartbeatMessage, LogLine, ResultMessage } from '@baton/protocol';
import { LogBatcher } from './log-batcher.js';
import type { SdkLogger } from './logger.js';
import { Lru } from './internal/lru.js';
import { parseRunKey, readDispatch, readKill, runKey } from './internal/messages.js';
import { Waiters } from './internal/waiters.js';
import type { Channel, Outbox } from './outbox.js';
import { ProgressThrottle } from './progress-throttle.js';
import type { Handler, RunInfo } from './run-context.js';
import { RunSlot, type RunReport } from './run-slot.js';
import type { AbortCode } from './outcome.js';

/** How many finished runs are remembered, so a duplicate dispatch is recognised and not run again. */
const FINISHED_MEMORY = 10_000;

export interface RunStartedEvent {
  runId: string;
  attempt: number;
  handler: string;
  jobKey: string;
}

export interface RunFinishedEvent extends RunStartedEvent, Omit<ResultMessage, 'runId' | 'attempt'> {
  durationMs: number;
}

export interface RunManagerOptions {
  handlers: ReadonlyMap<string, Handler>;
  concurrency: number;
  killGraceMs: number;
  maxResultBytes: number;
  outbox: Outbox;
  logger: SdkLogger;
  onStarted(event: RunStartedEvent): void;
  onFinished(event: RunFinishedEvent): void;
}

interface ActiveRun {
  key: string;
  info: RunInfo;
  handler: string;
  slot: RunSlot;
  logs: LogBatcher;
  progress: ProgressThrottle;
}

/**
 * Decides what to do with each dispatched run, runs the accepted ones in slots, and turns
 * their reports (started, logs, progress, result) into outbox messages.
 */
export class RunManager {
  private readonly active = new Map<string, ActiveRun>();
  private readonly finished = new Lru<string, true>(FINISHED_MEMORY);
  private isDraining = false;
  /** Notified whenever a run ends. */
  readonly changed = new Waiters();

  constructor(private readonly o: RunManagerOptions) {}

  get inFlight(): number {
    return this.active.size;
  }

  /** Stop accepting new runs (drain.v1 or close()). There is no way back in protocol v1. */
  drain(): void {
    this.isDraining = true;
  }

  /**
   * Answers a dispatch. The accepted runs start only when `launch` is called, which the
   * caller does after sending the reply, so the server sees the ack before `run.started.v1`.
   */
  dispatch(channel: Channel, msg: DispatchMessage): { reply: DispatchReply; launch: () => void } {
    const reply: DispatchReply = { accepted: [], rejected: [] };
    const toLaunch: ActiveRun[] = [];
    for (const raw of Array.isArray(msg?.runs) ? msg.runs : []) {
      const run = readDispatch(raw);
      if (!run) {
        this.o.logger.error('Ignoring a dispatched run without a runId');
        continue;
      }
      const key = runKey(run.runId, run.attempt);
      const verdict = this.decide(key, run.handler, channel);
      if (verdict === 'ACCEPT') {
        const active = this.reserve(key, run, channel);
        toLaunch.push(active);
      }
      if (verdict === 'ACCEPT' || verdict === 'DUPLICATE') reply.accepted.push(run.runId);
      else reply.rejected.push({ runId: run.runId, reason: verdict });
    }
    return { reply, launch: () => toLaunch.forEach((r) => this.launch(r)) };
  }

  kill(msg: unknown): void {
    const kill = readKill(msg);
    if (!kill) return;
    const run = this.active.get(runKey(kill.runId, kill.attempt));
    if (!run) {
      this.o.logger.debug(`Kill for run ${kill.runId} attempt ${kill.attempt}, which is not running here; ignoring it`);
      return;
    }
    run.slot.abort(kill.reason, Math.min(this.o.killGraceMs, kill.graceMs));
  }

  /** Aborts every running handler (close() after its timeout). */
  abortAll(reason: AbortCode): void {
    for (const run of this.active.values()) run.slot.abort(reason);
  }

  /** What a heartbeat reports: the runs executing, and the finished ones whose result is still on its way. */
  heartbeat(): HeartbeatMessage {
    return {
      inFlight: [...this.active.values()].map((r) => ({ runId: r.info.runId, attempt: r.info.attempt })),
      pendingResults: this.o.outbox.pendingResultKeys().map(parseRunKey),
      draining: this.isDraining,
    };
  }

  whenIdle(timeoutMs: number): Promise<boolean> {
    return this.changed.until(() => this.active.size === 0, timeoutMs);
  }

  private decide(key: string, handler: string, channel: Channel): 'ACCEPT' | 'DUPLICATE' | DispatchReply['rejected'][number]['reason'] {
    if (this.active.has(key)) {
      // Already running: its messages follow the latest dispatcher (likely the current leader).
      this.o.outbox.retarget(key, channel);
      return 'DUPLICATE';
    }
    if (this.finished.has(key)) {
      // Already done: never run twice, but the server may have missed the result.
      this.o.outbox.resend(key, channel);
      return 'DUPLICATE';
    }
    if (this.isDraining) return 'DRAINING';
    if (!this.o.handlers.has(handler)) return 'UNKNOWN_HANDLER';
    if (this.active.size >= this.o.concurrency) return 'AT_CAPACITY';
    return 'ACCEPT';
  }

  /** Takes the slot at once, so later runs of the same dispatch see it as used. */
  private reserve(key: string, info: RunInfo & { handler: string }, channel: Channel): ActiveRun {
    const { outbox } = this.o;
    const ref = { runId: info.runId, attempt: info.attempt };
    const logs = new LogBatcher((seq, lines: LogLine[]) => outbox.enqueue(key, 'run.logs.v1', { ...ref, seq, lines }));
    const progress = new ProgressThrottle((value) => outbox.transient(key, { ...ref, progress: value }));
    const slot = new RunSlot(this.o.handlers.get(info.handler)!, info, { log: (l) => logs.add(l), progress: (p) => progress.push(p) }, {
      killGraceMs: this.o.killGraceMs,
      maxResultBytes: this.o.maxResultBytes,
      onIgnoredAbort: (graceMs) =>
        this.o.logger.warn(`Run ${info.runId} attempt ${info.attempt} (${info.handler}) ignored its abort signal for ${graceMs} ms; reported it and freed the slot while the handler keeps running`),
    });
    const run: ActiveRun = { key, info, handler: info.handler, slot, logs, progress };
    this.active.set(key, run);
    outbox.open(key, channel);
    return run;
  }

  private launch(run: ActiveRun): void {
    const { info } = run;
    const startedAt = new Date();
    // Queued before the handler runs, so run.started.v1 precedes anything the handler logs.
    this.o.outbox.enqueue(run.key, 'run.started.v1', { runId: info.runId, attempt: info.attempt, startedAt: startedAt.toISOString(), scheduledAt: info.scheduledAt.toISOString() });
    this.o.onStarted({ runId: info.runId, attempt: info.attempt, handler: run.handler, jobKey: info.jobKey });
    run.slot.start(startedAt);
    void run.slot.done.then((report) => this.finish(run, report));
  }

  private finish(run: ActiveRun, report: RunReport): void {
    // Last progress, then the last log batch, then the result: the order the server should see.
    run.progress.close();
    run.logs.close();
    const { info } = run;
    const result: ResultMessage = {
      runId: info.runId,
      attempt: info.attempt,
      outcome: report.outcome,
      ...(report.outcome === 'SUCCEEDED' ? { result: report.result } : {}),
      ...(report.error ? { error: report.error } : {}),
      startedAt: report.startedAt.toISOString(),
      finishedAt: report.finishedAt.toISOString(),
      ...(report.handlerIgnoredAbort ? { handlerIgnoredAbort: true } : {}),
    };
    this.active.delete(run.key);
    this.finished.set(run.key, true);
    this.o.outbox.finish(run.key, result);
    const { runId: _r, attempt: _a, ...rest } = result;
    this.o.onFinished({ runId: info.runId, attempt: info.attempt, handler: run.handler, jobKey: info.jobKey, ...rest, durationMs: report.finishedAt.getTime() - report.startedAt.getTime() });
    this.changed.notify();
  }
}
