import { Injectable } from '@nestjs/common';
import { RunEvents } from '../runs/run-events.js';
import { DataSource } from 'typeorm';
import { JobEntity } from '../jobs/job.entity.js';
import { compileSchedule } from '../schedules/core/schedule.js';

/**
 * FIXED_DELAY jobs wait (next_fire_at NULL) while their run goes; when it ends, the next fire is
 * planned `interval` after the end. Called by whatever records a run's final state.
 */
@Injectable()
export class RunEndPlanner {
  constructor(
    private readonly dataSource: DataSource,
    events: RunEvents,
  ) {
    events.onRunEnded(async (run, facts) => {
      // Known not to be a FIXED_DELAY job's run: nothing to plan, and no query.
      if (facts && facts.scheduleType !== 'FIXED_DELAY') return;
      await this.runEnded(run.jobId, run.finishedAt ?? new Date());
    });
  }

  /** Returns the planned next fire, or null when the job is not a waiting FIXED_DELAY job. */
  async runEnded(jobId: string, endedAt: Date): Promise<Date | null> {
    const job = await this.dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
    if (!job || job.scheduleType !== 'FIXED_DELAY' || !job.enabled || job.nextFireAt !== null) return null;
    const next = compileSchedule({ type: job.scheduleType, expression: job.scheduleExpr, timezone: job.timezone }).nextAfter(endedAt);
    // Guarded: only a job still waiting on its run (enabled, nothing planned, same version) moves.
    const result = await this.dataSource.query(
      "UPDATE jobs SET next_fire_at = ? WHERE id = ? AND version = ? AND enabled = 1 AND schedule_type = 'FIXED_DELAY' AND next_fire_at IS NULL",
      [next, jobId, job.version],
    );
    return result.affectedRows === 1 ? next : null;
  }
}
