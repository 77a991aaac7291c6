import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { FinalRunStatus, RunStatus, TriggerType } from '@baton/protocol';
import { whereAppIn } from '../../database/app-scope-sql.js';
import { dialectOf } from '../../database/sql-dialect.js';
import { fromList } from './run-status.js';
import type { RunEndFacts } from './run-events.js';
import { RunEntity } from './run.entity.js';

export interface RunFilter {
  jobId?: string;
  appId?: string;
  /** The caller's apps (undefined = all). */
  appIds?: readonly string[];
  status?: RunStatus;
  triggerType?: TriggerType;
  dead?: boolean;
  rootRunId?: string;
  afterId?: string;
  /** scheduled_at in [scheduledFrom, scheduledTo). */
  scheduledFrom?: Date;
  scheduledTo?: Date;
}

export interface Finish {
  status: FinalRunStatus;
  finishedAt: Date;
  startedAt?: Date | null;
  result?: string | null;
  errorMessage?: string | null;
  errorStack?: string | null;
  /** false when the handler said not to retry (NonRetryableError). */
  retryable?: boolean;
  reason?: string | null;
}

const ACTIVE = "'DISPATCHED', 'RUNNING'";

/** Run reads for the API, and the run transitions executors and operators cause. */
@Injectable()
export class RunsRepository {
  private readonly runs: Repository<RunEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.runs = dataSource.getRepository(RunEntity);
  }

  findById(id: string): Promise<RunEntity | null> {
    return this.runs.findOneBy({ id });
  }

  /**
   * The run, with the facts about its job that the run-end listeners need (so a run of a job
   * without children or FIXED_DELAY schedule costs them no query): one statement instead of three.
   */
  async findEnded(id: string): Promise<{ run: RunEntity; facts: RunEndFacts } | null> {
    const { entities, raw } = await this.runs
      .createQueryBuilder('r')
      .addSelect('(SELECT j.schedule_type FROM jobs j WHERE j.id = r.job_id)', 'job_schedule_type')
      .addSelect('CASE WHEN EXISTS (SELECT 1 FROM job_dependencies d WHERE d.parent_job_id = r.job_id) THEN 1 ELSE 0 END', 'job_has_children')
      .where('r.id = :id', { id })
      .getRawAndEntities<{ job_schedule_type: string | null; job_has_children: number | string }>();
    const run = entities[0];
    if (!run) return null;
    return { run, facts: { scheduleType: raw[0]?.job_schedule_type ?? null, hasChildren: Number(raw[0]?.job_has_children) === 1 } };
  }

  /** Newest first, keyset on id; each filter combination has an index (see docs/architecture.md). */
  list(filter: RunFilter, beforeId: string | undefined, limit: number): Promise<RunEntity[]> {
    const q = this.runs.createQueryBuilder('r').orderBy('r.id', 'DESC').limit(limit);
    if (filter.jobId) q.andWhere('r.job_id = :jobId', { jobId: filter.jobId });
    if (filter.appId) q.andWhere('r.app_id = :appId', { appId: filter.appId });
    whereAppIn(q, 'r.app_id', filter.appIds);
    if (filter.status) q.andWhere('r.status = :status', { status: filter.status });
    if (filter.triggerType) q.andWhere('r.trigger_type = :triggerType', { triggerType: filter.triggerType });
    if (filter.dead !== undefined) q.andWhere('r.dead = :dead', { dead: filter.dead ? 1 : 0 });
    if (filter.rootRunId) q.andWhere('(r.root_run_id = :root OR r.id = :root)', { root: filter.rootRunId });
    if (filter.afterId) q.andWhere('r.id > :afterId', { afterId: filter.afterId });
    if (filter.scheduledFrom) q.andWhere('r.scheduled_at >= :from', { from: filter.scheduledFrom });
    if (filter.scheduledTo) q.andWhere('r.scheduled_at < :to', { to: filter.scheduledTo });
    if (beforeId) q.andWhere('r.id < :beforeId', { beforeId });
    return q.getMany();
  }

  /** When the run was planned to run (by primary key). */
  async scheduledAtOf(runId: string): Promise<Date | null> {
    const rows: Array<{ scheduled_at: Date }> = await this.dataSource.query('SELECT scheduled_at FROM runs WHERE id = ?', [runId]);
    return rows[0]?.scheduled_at ?? null;
  }

  /** DISPATCHED → RUNNING. */
  async markStarted(runId: string, attempt: number, startedAt: Date, leaseUntil: Date, now: Date): Promise<boolean> {
    const r = await this.dataSource.query(
      `UPDATE runs SET status = 'RUNNING', started_at = ?, acked_at = COALESCE(acked_at, ?), lease_until = ?, updated_at = ?
        WHERE id = ? AND attempt = ? AND status IN (${fromList('RUNNING')})`,
      [startedAt, now, leaseUntil, now, runId, attempt],
    );
    return r.affectedRows === 1;
  }

  /** Any active status → a final one, once: the affected-row count says whether this call won. */
  async finish(runId: string, attempt: number, f: Finish, now: Date): Promise<boolean> {
    const r = await this.dataSource.query(
      `UPDATE runs SET status = ?, finished_at = ?, started_at = COALESCE(started_at, ?), result = ?, error_message = ?, error_stack = ?, retryable = ?,
              status_reason = COALESCE(?, status_reason), progress = CASE WHEN ? = 'SUCCEEDED' THEN 100 ELSE progress END, lease_until = NULL, updated_at = ?
        WHERE id = ? AND attempt = ? AND status IN (${fromList(f.status)})`,
      [f.status, f.finishedAt, f.startedAt ?? null, f.result ?? null, f.errorMessage ?? null, f.errorStack ?? null, f.retryable === false ? 0 : 1, f.reason ?? null, f.status, now, runId, attempt],
    );
    return r.affectedRows === 1;
  }

  async setProgress(runId: string, attempt: number, progress: number, now: Date): Promise<void> {
    await this.dataSource.query(`UPDATE runs SET progress = ?, updated_at = ? WHERE id = ? AND attempt = ? AND status IN (${ACTIVE})`, [progress, now, runId, attempt]);
  }

  /** A heartbeat renews the leases of the runs its executor still has. */
  async extendLeases(executorId: string, runIds: string[], leaseUntil: Date): Promise<number> {
    if (runIds.length === 0) return 0;
    const r = await this.dataSource.query(
      `UPDATE runs SET lease_until = ${dialectOf(this.dataSource).greatest('COALESCE(lease_until, ?)', '?')} WHERE id IN (${runIds.map(() => '?').join(',')}) AND executor_id = ? AND status IN (${ACTIVE})`,
      [leaseUntil, leaseUntil, ...runIds, executorId],
    );
    return r.affectedRows;
  }

  /** Marks an active run for killing (once); the leader ends it after the grace period if the handler does not stop. */
  async requestKill(runId: string, now: Date): Promise<boolean> {
    const r = await this.dataSource.query(
      `UPDATE runs SET kill_requested_at = ?, status_reason = 'kill requested', updated_at = ? WHERE id = ? AND status IN (${ACTIVE}) AND kill_requested_at IS NULL`,
      [now, now, runId],
    );
    return r.affectedRows === 1;
  }

  /** SCHEDULED → CANCELLED: a run that was never sent. */
  async cancelScheduled(runId: string, reason: string, now: Date): Promise<boolean> {
    const r = await this.dataSource.query("UPDATE runs SET status = 'CANCELLED', status_reason = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status = 'SCHEDULED'", [
      reason,
      now,
      now,
      runId,
    ]);
    return r.affectedRows === 1;
  }
}
