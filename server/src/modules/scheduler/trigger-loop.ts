import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import type { JobEntity } from '../jobs/job.entity.js';
import { BatonMetrics } from '../metrics/baton-metrics.js';
import { RunEvents } from '../runs/run-events.js';
import { compileSchedule, type CompiledSchedule } from '../schedules/core/schedule.js';
import { planFires, type FirePlan } from './fire-planner.js';
import type { LeaderTerm } from './leader-duty.js';
import { PeriodicDuty } from './periodic-duty.js';
import { TriggerRepository, type JobFirePlan } from './trigger.repository.js';

export interface TickResult {
  dueJobs: number;
  committedJobs: number;
  insertedRuns: number;
}

/** Compiled schedules are reused across ticks; the key is everything that defines one. */
const MAX_CACHED_SCHEDULES = 50_000;
/** A tick keeps taking batches while they come back full, up to this many. */
const MAX_BATCHES_PER_TICK = 50;

/**
 * Leader duty: every tick, plans the fires of jobs due within the look-ahead window and commits
 * them (runs + advanced next fire) in fenced transactions. Runs wait in the database as
 * SCHEDULED until the dispatcher sends them at their planned time.
 */
@Injectable()
export class TriggerLoop extends PeriodicDuty {
  readonly name = 'trigger-loop';
  protected readonly logger = new Logger('TriggerLoop');
  private readonly schedules = new Map<string, CompiledSchedule>();

  constructor(
    private readonly triggers: TriggerRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: BatonMetrics,
    private readonly events: RunEvents,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.triggerTickMs;
  }

  runOnce(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<TickResult> {
    return this.tick(term);
  }

  /** One pass over the due jobs, fenced by `term`. Public so tests drive it with a fake clock. */
  async tick(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<TickResult> {
    const endTimer = this.metrics.triggerTick.startTimer();
    try {
      return await this.drainDue(term);
    } finally {
      endTimer();
    }
  }

  private async drainDue(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<TickResult> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + this.config.triggerLookaheadMs);
    const total: TickResult = { dueJobs: 0, committedJobs: 0, insertedRuns: 0 };
    for (let batch = 0; batch < MAX_BATCHES_PER_TICK; batch++) {
      const due = await this.triggers.findDue(horizon, this.config.triggerBatchSize);
      if (due.length === 0) break;
      const result = await this.triggers.commit(term, due.map((job) => this.planJob(job, now)), now);
      total.dueJobs += due.length;
      total.committedJobs += result.committedJobs;
      total.insertedRuns += result.insertedRuns;
      this.countFires(result.applied);
      // Runs recorded SKIPPED ended at birth: announce them like every other end (rollups, alerts, metrics).
      for (const run of result.skippedRuns) await this.events.runEnded(run);
      // A short batch was the last; a batch whose jobs all changed meanwhile is re-read next tick.
      if (due.length < this.config.triggerBatchSize || result.committedJobs === 0) break;
    }
    return total;
  }

  /** Committed fires (SCHEDULED ones; SKIPPED ones are counted as finished runs by RunEvents). */
  private countFires(applied: JobFirePlan[]): void {
    const fires = new Map<string, { app_id: string; trigger_type: string; n: number }>();
    for (const { job, plan } of applied) {
      for (const fire of plan.fires) {
        if (fire.status === 'SKIPPED') continue;
        const key = `${job.appId}/${fire.triggerType}`;
        const entry = fires.get(key) ?? fires.set(key, { app_id: job.appId, trigger_type: fire.triggerType, n: 0 }).get(key)!;
        entry.n++;
      }
    }
    for (const { n, ...labels } of fires.values()) this.metrics.firesTotal.inc(labels, n);
  }

  private planJob(job: JobEntity, now: Date): JobFirePlan {
    const dueJob = { ...job, nextFireAt: job.nextFireAt! };
    let plan: FirePlan;
    try {
      plan = planFires(dueJob, this.compiled(job), { now, lookaheadMs: this.config.triggerLookaheadMs });
    } catch (error) {
      // A stored schedule that no longer compiles stops, visibly: one SKIPPED run says why.
      const reason = `schedule cannot be evaluated: ${(error as Error).message}`;
      this.logger.error(`Job ${job.id}: ${reason}`);
      plan = { fires: [{ fireTime: dueJob.nextFireAt, scheduledAt: now, triggerType: 'MISFIRE', status: 'SKIPPED', reason }], nextFireAt: null, disable: false };
    }
    return { job, plan };
  }

  private compiled(job: JobEntity): CompiledSchedule {
    const key = `${job.scheduleType}\u0000${job.scheduleExpr ?? ''}\u0000${job.timezone}`;
    let schedule = this.schedules.get(key);
    if (!schedule) {
      if (this.schedules.size >= MAX_CACHED_SCHEDULES) this.schedules.clear();
      schedule = compileSchedule({ type: job.scheduleType, expression: job.scheduleExpr, timezone: job.timezone });
      this.schedules.set(key, schedule);
    }
    return schedule;
  }
}
