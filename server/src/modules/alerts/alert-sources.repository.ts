import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobEntity } from '../jobs/job.entity.js';
import { RunEntity } from '../runs/run.entity.js';

/** An app whose due runs wait for an executor. */
export interface ExecutorWait {
  appId: string;
  app: string;
  waitingRuns: number;
  oldestRunId: string;
  since: Date;
  reason: string | null;
}

/** The reads of other modules' tables that alerts need: jobs, apps and runs. */
@Injectable()
export class AlertSourcesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The job and its app's name, or null when the job is gone. */
  async jobWithApp(jobId: string): Promise<{ job: JobEntity; app: string } | null> {
    const job = await this.dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
    if (!job) return null;
    const rows: Array<{ name: string }> = await this.dataSource.query('SELECT name FROM apps WHERE id = ?', [job.appId]);
    return { job, app: rows[0]?.name ?? job.appId };
  }

  /**
   * Apps with SCHEDULED runs due before `dueBefore` that the dispatcher parked because no
   * executor can take them ("waiting: no executor…"). idx_runs_outbox (status, scheduled_at)
   * gives the range; the reason filter runs on those rows only.
   */
  async waitingForExecutor(dueBefore: Date): Promise<ExecutorWait[]> {
    // The oldest time keeps its column's name, so SQLite reads it back as a time too.
    const rows: Array<{ app_id: string; app: string | null; waiting: number | string; oldest: string; scheduled_at: Date }> = await this.dataSource.query(
      `SELECT r.app_id, a.name AS app, COUNT(*) AS waiting, MIN(r.id) AS oldest, MIN(r.scheduled_at) AS scheduled_at
         FROM runs r LEFT JOIN apps a ON a.id = r.app_id
        WHERE r.status = 'SCHEDULED' AND r.scheduled_at <= ? AND r.status_reason LIKE 'waiting: no executor%'
        GROUP BY r.app_id, a.name`,
      [dueBefore],
    );
    if (rows.length === 0) return [];
    const oldest = rows.map((r) => String(r.oldest));
    const reasons: Array<{ id: string; status_reason: string | null }> = await this.dataSource.query(
      `SELECT id, status_reason FROM runs WHERE id IN (${oldest.map(() => '?').join(',')})`,
      oldest,
    );
    const reasonOf = new Map(reasons.map((r) => [String(r.id), r.status_reason]));
    return rows.map((r) => ({
      appId: String(r.app_id),
      app: r.app ?? String(r.app_id),
      waitingRuns: Number(r.waiting),
      oldestRunId: String(r.oldest),
      since: r.scheduled_at,
      reason: reasonOf.get(String(r.oldest)) ?? null,
    }));
  }

  /** The first run created at or after `since` (idx_runs_created), or one past the last run. */
  async firstRunIdCreatedSince(since: Date): Promise<string> {
    const rows: Array<{ id: string | number }> = await this.dataSource.query(
      'SELECT COALESCE((SELECT id FROM runs WHERE created_at >= ? ORDER BY created_at LIMIT 1), (SELECT COALESCE(MAX(id), 0) + 1 FROM runs)) AS id',
      [since],
    );
    return String(rows[0]!.id);
  }

  /** SKIPPED runs the trigger loop planned as misfires, from `fromId` on, oldest first (idx_runs_status (status, id)). */
  misfireSkips(fromId: string, limit: number): Promise<RunEntity[]> {
    return this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .where("r.status = 'SKIPPED' AND r.id >= :fromId AND r.trigger_type = 'MISFIRE'", { fromId })
      .orderBy('r.id', 'ASC')
      .limit(limit)
      .getMany();
  }
}
