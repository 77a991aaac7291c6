import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { RunKiller } from '../executors/run-killer.js';
import { BatonMetrics } from '../metrics/baton-metrics.js';
import { RunEvents } from '../runs/run-events.js';
import { RunsRepository } from '../runs/runs.repository.js';
import type { LeaderTerm } from '../scheduler/leader-duty.js';
import { PeriodicDuty } from '../scheduler/periodic-duty.js';
import { RecoveryRepository } from './recovery.repository.js';

const BATCH = 500;

/**
 * Leader duty: no run stays DISPATCHED or RUNNING forever. Each sweep ends runs whose lease
 * lapsed (LOST; or back to SCHEDULED when the executor never acknowledged them), runs killed
 * longer ago than KILL_GRACE_MS (CANCELLED), and runs past their timeout plus the grace
 * (TIMED_OUT); it also (re)sends kill messages for those still within their grace.
 */
@Injectable()
export class Recoverer extends PeriodicDuty {
  readonly name = 'recoverer';
  protected readonly logger = new Logger('Recoverer');

  constructor(
    private readonly recovery: RecoveryRepository,
    private readonly runs: RunsRepository,
    private readonly killer: RunKiller,
    private readonly events: RunEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: BatonMetrics,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.recoveryIntervalMs;
  }

  /** One sweep; public so tests drive it. */
  async runOnce(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<void> {
    await this.recoverExpiredLeases(term);
    await this.enforceKills(term);
    await this.enforceTimeouts(term);
  }

  private async recoverExpiredLeases(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<void> {
    const now = this.clock.now();
    for (const run of await this.recovery.expiredLeases(now, BATCH)) {
      if (run.status === 'DISPATCHED' && run.ackedAt === null) {
        if (await this.recovery.requeueUnacked(term, run.id, `dispatch to ${run.executorId} was never acknowledged; sending it again`, now)) {
          this.metrics.runsRecovered.inc({ outcome: 'REQUEUED' });
          this.events.runsChanged([run.id]);
        }
        continue;
      }
      const reason = `lost: executor ${run.executorId} stopped renewing the run's lease (expired ${run.leaseUntil?.toISOString()})`;
      await this.end(term, run.id, 'LOST', reason, now, now);
    }
  }

  private async enforceKills(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<void> {
    const now = this.clock.now();
    for (const run of await this.recovery.killRequested(BATCH)) {
      if (now.getTime() - run.killRequestedAt!.getTime() > this.config.killGraceMs) {
        await this.end(term, run.id, 'CANCELLED', `killed; the handler did not stop within ${this.config.killGraceMs} ms, so it was abandoned`, now);
      } else this.killer.send(run, 'KILLED');
    }
  }

  private async enforceTimeouts(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<void> {
    const now = this.clock.now();
    for (const { run, timeoutMs } of await this.recovery.pastTimeout(now, BATCH)) {
      const overdue = now.getTime() - run.startedAt!.getTime() - timeoutMs;
      if (overdue > this.config.killGraceMs) {
        await this.end(term, run.id, 'TIMED_OUT', `timed out after ${timeoutMs} ms; the handler did not stop within ${this.config.killGraceMs} ms, so it was abandoned`, now);
      } else this.killer.send(run, 'TIMEOUT');
    }
  }

  private async end(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>, runId: string, status: 'LOST' | 'CANCELLED' | 'TIMED_OUT', reason: string, now: Date, leaseExpiredBefore?: Date): Promise<void> {
    if (!(await this.recovery.end(term, runId, status, reason, now, leaseExpiredBefore))) return;
    this.metrics.runsRecovered.inc({ outcome: status });
    this.logger.warn({ msg: `run ${runId} → ${status}: ${reason}`, runId });
    const run = await this.runs.findById(runId);
    if (run) await this.events.runEnded(run);
  }
}
