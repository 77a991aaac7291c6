import { Injectable } from '@nestjs/common';
import type { FinalRunStatus, HeartbeatMessage, LogsMessage, ProgressMessage, ResultMessage, ResultReply, StartedMessage } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { retryTransient } from '../../database/transient-errors.js';
import { AppConfig } from '../../config/app-config.js';
import { BatonMetrics, secondsBetween } from '../metrics/baton-metrics.js';
import { RunEvents } from './run-events.js';
import { RunLogsRepository } from './run-logs.repository.js';
import { RunsRepository } from './runs.repository.js';
import { isFinal } from './run-status.js';

/**
 * Records what executors report about their runs. Every change is a guarded transition, so a
 * report for a run that already ended (a duplicate, or a result arriving after the run was
 * recovered as LOST) changes nothing and is answered accordingly.
 */
@Injectable()
export class RunReportsService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly runLogs: RunLogsRepository,
    private readonly events: RunEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: BatonMetrics,
  ) {}

  async started(msg: StartedMessage): Promise<boolean> {
    const now = this.clock.now();
    const startedAt = safeDate(msg.startedAt, now);
    const ok = await retryTransient(() => this.runs.markStarted(msg.runId, msg.attempt, startedAt, this.leaseFrom(now), now));
    if (ok) {
      this.events.runsChanged([msg.runId]);
      await this.observeStartLateness(msg, startedAt);
    }
    return ok;
  }

  /**
   * baton_run_start_lateness_seconds, from the planned time the executor echoes; executors that
   * do not send it cost a point read by primary key. Never fails the report.
   */
  private async observeStartLateness(msg: StartedMessage, startedAt: Date): Promise<void> {
    const echoed = msg.scheduledAt ? new Date(msg.scheduledAt) : null;
    const scheduledAt = echoed && !Number.isNaN(echoed.getTime()) ? echoed : await this.runs.scheduledAtOf(msg.runId).catch(() => null);
    if (scheduledAt) this.metrics.startLateness.observe(secondsBetween(scheduledAt, startedAt));
  }

  progress(msg: ProgressMessage): Promise<void> {
    return this.runs.setProgress(msg.runId, msg.attempt, Math.max(0, Math.min(100, Math.round(msg.progress))), this.clock.now());
  }

  async logs(msg: LogsMessage): Promise<boolean> {
    const outcome = await retryTransient(() => this.runLogs.append(msg.runId, msg.seq, msg.lines, this.config.runLogMaxBytes, this.clock.now()));
    return outcome !== 'no-run';
  }

  /** Heartbeat: renew the leases of the runs the executor still has, running or with a result on its way. */
  async heartbeat(executorId: string, msg: HeartbeatMessage): Promise<void> {
    const held = [...msg.inFlight, ...(msg.pendingResults ?? [])].map((r) => r.runId);
    await retryTransient(() => this.runs.extendLeases(executorId, held, this.leaseFrom(this.clock.now())));
  }

  async result(msg: ResultMessage): Promise<ResultReply> {
    const now = this.clock.now();
    const status: FinalRunStatus = msg.outcome;
    const finish = {
      status,
      finishedAt: safeDate(msg.finishedAt, now),
      startedAt: msg.startedAt ? safeDate(msg.startedAt, now) : null,
      result: status === 'SUCCEEDED' ? this.capJson(msg.result ?? null) : null,
      errorMessage: msg.error ? this.capText(msg.error.message) : null,
      errorStack: msg.error?.stack ? this.capText(msg.error.stack) : null,
      retryable: msg.error?.retryable !== false,
      reason: msg.handlerIgnoredAbort ? 'the handler ignored the abort signal and was abandoned after the grace period' : null,
    };
    const won = await retryTransient(() => this.runs.finish(msg.runId, msg.attempt, finish, now));
    const ended = await this.runs.findEnded(msg.runId);
    const run = ended?.run ?? null;
    if (won && ended) {
      await this.events.runEnded(ended.run, ended.facts);
      return { accepted: true };
    }
    if (!run) return { accepted: false, reason: 'unknown run' };
    // Already recorded with this outcome: the executor re-sent it (its ack was lost).
    if (run.status === status && run.attempt === msg.attempt) return { accepted: true };
    return { accepted: false, reason: isFinal(run.status) ? `run already ended as ${run.status}` : `run is ${run.status}` };
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.config.runLeaseMs);
  }

  private capJson(value: unknown): string {
    const json = JSON.stringify(value) ?? 'null';
    if (Buffer.byteLength(json, 'utf8') <= this.config.runResultMaxBytes) return json;
    return JSON.stringify({ truncated: true, message: `result larger than RUN_RESULT_MAX_BYTES (${this.config.runResultMaxBytes} bytes) was not stored` });
  }

  /** Error texts go to TEXT columns (64 KiB); 16k characters fit even at 4 bytes each. */
  private capText(text: string): string {
    const max = Math.min(this.config.runResultMaxBytes, 16_000);
    return text.length > max ? `${text.slice(0, max)}… [truncated]` : text;
  }
}

function safeDate(iso: string, fallback: Date): Date {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? fallback : d;
}
