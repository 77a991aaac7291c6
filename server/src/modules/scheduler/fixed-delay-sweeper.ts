import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { PeriodicDuty } from './periodic-duty.js';
import { RunEndPlanner } from './run-end-planner.js';

const SWEEP_MS = 30_000;

/**
 * Leader duty, a safety net: a FIXED_DELAY job waits (no next fire) while its run goes, and the
 * run's end plans the next fire. Should that step be lost (a crash between the two), this sweep
 * finds enabled FIXED_DELAY jobs waiting with no run in progress and plans them from their last
 * run's end (or now).
 */
@Injectable()
export class FixedDelaySweeper extends PeriodicDuty {
  readonly name = 'fixed-delay-sweeper';
  protected readonly logger = new Logger('FixedDelaySweeper');

  constructor(
    private readonly dataSource: DataSource,
    private readonly planner: RunEndPlanner,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected intervalMs(): number {
    return SWEEP_MS;
  }

  async runOnce(): Promise<number> {
    // next_fire_at IS NULL goes through idx_jobs_due; the NOT EXISTS through idx_runs_job_status.
    // The last end keeps the name finished_at, so SQLite's raw results hand it back as a Date too.
    const stuck: Array<{ id: string; finished_at: Date | null }> = await this.dataSource.query(
      `SELECT j.id, (SELECT MAX(r.finished_at) FROM runs r WHERE r.job_id = j.id) AS finished_at
         FROM jobs j
        WHERE j.next_fire_at IS NULL AND j.enabled = 1 AND j.schedule_type = 'FIXED_DELAY'
          AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.job_id = j.id AND r.status IN ('SCHEDULED', 'DISPATCHED', 'RUNNING'))
        LIMIT 1000`,
    );
    let planned = 0;
    for (const job of stuck) if (await this.planner.runEnded(String(job.id), job.finished_at ?? this.clock.now())) planned++;
    if (planned > 0) this.logger.warn(`Re-planned ${planned} FIXED_DELAY job(s) whose next fire had not been planned`);
    return planned;
  }
}
