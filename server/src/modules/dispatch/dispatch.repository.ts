import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { dialectOf } from '../../database/sql-dialect.js';
import { JobEntity } from '../jobs/job.entity.js';
import { RunEntity } from '../runs/run.entity.js';
import { assertLeaseHeld, type FenceToken } from '../scheduler/lease-fence.js';

export interface DispatchJobInfo {
  job: JobEntity;
  appName: string;
}

export interface ParentInfo {
  runId: string;
  jobKey: string;
  status: string;
  result: unknown;
}

const ids = (list: string[]) => list.map(() => '?').join(',');

const WAITING_REASON_CHUNK = 1_000;

/** The dispatcher's SQL: reading the outbox, fenced claims, acks and reverts. */
@Injectable()
export class DispatchRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** SCHEDULED runs due by `until`, oldest first (index idx_runs_outbox). */
  comingDue(until: Date, limit: number): Promise<RunEntity[]> {
    return this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .where("r.status = 'SCHEDULED' AND r.scheduled_at <= :until", { until })
      .orderBy('r.scheduled_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** SCHEDULED runs due by `now`, counted up to `cap` (an index-only range of idx_runs_outbox, bounded). */
  async countDue(now: Date, cap: number): Promise<number> {
    const rows: Array<{ n: number | string }> = await this.dataSource.query(
      "SELECT COUNT(*) AS n FROM (SELECT 1 FROM runs WHERE status = 'SCHEDULED' AND scheduled_at <= ? LIMIT ?) due",
      [now, cap],
    );
    return Number(rows[0]?.n ?? 0);
  }

  findRuns(runIds: string[]): Promise<RunEntity[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(RunEntity).createQueryBuilder('r').where('r.id IN (:...runIds)', { runIds }).getMany();
  }

  async jobsByIds(jobIds: string[]): Promise<Map<string, DispatchJobInfo>> {
    if (jobIds.length === 0) return new Map();
    const jobs = await this.dataSource.getRepository(JobEntity).createQueryBuilder('j').where('j.id IN (:...jobIds)', { jobIds }).getMany();
    const appIds = [...new Set(jobs.map((j) => j.appId))];
    const apps: Array<{ id: string; name: string }> = appIds.length ? await this.dataSource.query(`SELECT id, name FROM apps WHERE id IN (${ids(appIds)})`, appIds) : [];
    const names = new Map(apps.map((a) => [String(a.id), a.name]));
    return new Map(jobs.map((j) => [j.id, { job: j, appName: names.get(j.appId) ?? j.appId }]));
  }

  /** DISPATCHED/RUNNING runs of these jobs (index idx_runs_job_status), for block strategies. */
  async activeOfJobs(jobIds: string[]): Promise<Map<string, RunEntity[]>> {
    const map = new Map<string, RunEntity[]>();
    if (jobIds.length === 0) return map;
    const rows = await this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .where('r.job_id IN (:...jobIds)', { jobIds })
      .andWhere("r.status IN ('DISPATCHED', 'RUNNING')")
      .getMany();
    for (const r of rows) map.set(r.jobId, [...(map.get(r.jobId) ?? []), r]);
    return map;
  }

  async parents(parentRunIds: string[]): Promise<Map<string, ParentInfo>> {
    if (parentRunIds.length === 0) return new Map();
    const rows: Array<{ id: string; status: string; result: string | null; app: string; name: string }> = await this.dataSource.query(
      `SELECT r.id, r.status, r.result, a.name AS app, j.name FROM runs r LEFT JOIN jobs j ON j.id = r.job_id LEFT JOIN apps a ON a.id = j.app_id WHERE r.id IN (${ids(parentRunIds)})`,
      parentRunIds,
    );
    return new Map(rows.map((r) => [String(r.id), { runId: String(r.id), jobKey: `${r.app}:${r.name}`, status: r.status, result: r.result === null ? null : JSON.parse(r.result) }]));
  }

  /**
   * SCHEDULED → DISPATCHED for the runs sent to one executor, fenced like every leader write.
   * Returns the ids this call claimed (a run taken meanwhile, e.g. cancelled, is left out).
   */
  claim(term: FenceToken, runIds: string[], executorId: string, leaseUntil: Date, now: Date): Promise<string[]> {
    return this.dataSource.transaction(async (m) => {
      await assertLeaseHeld(m, term);
      await m.query(
        `UPDATE runs SET status = 'DISPATCHED', executor_id = ?, dispatched_at = ?, acked_at = NULL, lease_until = ?, dispatch_count = dispatch_count + 1, status_reason = NULL, updated_at = ?
          WHERE id IN (${ids(runIds)}) AND status = 'SCHEDULED'`,
        [executorId, now, leaseUntil, now, ...runIds],
      );
      const rows: Array<{ id: string }> = await m.query(`SELECT id FROM runs WHERE id IN (${ids(runIds)}) AND status = 'DISPATCHED' AND executor_id = ? AND dispatched_at = ?`, [...runIds, executorId, now]);
      return rows.map((r) => String(r.id));
    });
  }

  /** The executor took them: renew the lease to a full run lease. */
  async ack(runIds: string[], executorId: string, leaseUntil: Date, now: Date): Promise<void> {
    if (runIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE runs SET acked_at = COALESCE(acked_at, ?), lease_until = ${dialectOf(this.dataSource).greatest('COALESCE(lease_until, ?)', '?')} WHERE id IN (${ids(runIds)}) AND executor_id = ? AND status IN ('DISPATCHED', 'RUNNING')`,
      [now, leaseUntil, leaseUntil, ...runIds, executorId],
    );
  }

  /** DISPATCHED → SCHEDULED for sends the executor refused or never acknowledged. */
  async revert(runIds: string[], executorId: string, reason: string, now: Date): Promise<void> {
    if (runIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE runs SET status = 'SCHEDULED', executor_id = NULL, lease_until = NULL, status_reason = ?, updated_at = ?
        WHERE id IN (${ids(runIds)}) AND executor_id = ? AND status = 'DISPATCHED' AND acked_at IS NULL`,
      [reason.slice(0, 255), now, ...runIds, executorId],
    );
  }

  /** SCHEDULED → SKIPPED (block strategy DISCARD_LATER, or a waiting run past its misfire threshold). */
  async skip(runIds: string[], reason: string, now: Date): Promise<string[]> {
    if (runIds.length === 0) return [];
    return this.dataSource.transaction(async (m) => {
      await m.query(`UPDATE runs SET status = 'SKIPPED', status_reason = ?, finished_at = ?, updated_at = ? WHERE id IN (${ids(runIds)}) AND status = 'SCHEDULED'`, [
        reason.slice(0, 255),
        now,
        now,
        ...runIds,
      ]);
      const rows: Array<{ id: string }> = await m.query(`SELECT id FROM runs WHERE id IN (${ids(runIds)}) AND status = 'SKIPPED' AND finished_at = ?`, [...runIds, now]);
      return rows.map((r) => String(r.id));
    });
  }

  /** Shows why runs wait, writing only where the reason changed; in chunks that keep the IN list short. */
  async setWaitingReason(runIds: string[], reason: string): Promise<void> {
    const text = reason.slice(0, 255);
    for (let i = 0; i < runIds.length; i += WAITING_REASON_CHUNK) {
      const chunk = runIds.slice(i, i + WAITING_REASON_CHUNK);
      await this.dataSource.query(`UPDATE runs SET status_reason = ? WHERE id IN (${ids(chunk)}) AND status = 'SCHEDULED' AND (status_reason IS NULL OR status_reason <> ?)`, [text, ...chunk, text]);
    }
  }

  /**
   * SHARDING_BROADCAST: turns a planned run into `total` shard runs (index 0 is the original),
   * fenced. Returns all shard runs, or [] if the run was no longer a fresh SCHEDULED one.
   */
  fanOut(term: FenceToken, run: RunEntity, total: number, now: Date): Promise<RunEntity[]> {
    return this.dataSource.transaction(async (m) => {
      await assertLeaseHeld(m, term);
      const r = await m.query("UPDATE runs SET shard_total = ?, updated_at = ? WHERE id = ? AND status = 'SCHEDULED' AND shard_total = 1 AND shard_index = 0", [total, now, run.id]);
      if (r.affectedRows !== 1) return [];
      for (let index = 1; index < total; index++) await insertShard(m, run, index, total, now);
      return m.getRepository(RunEntity).find({ where: shardsOf(run), order: { shardIndex: 'ASC' } });
    });
  }
}

function shardsOf(run: RunEntity) {
  return run.fireTime ? { jobId: run.jobId, fireTime: run.fireTime } : { jobId: run.jobId, rootRunId: run.id };
}

/** A shard copy of `run`. Unplanned runs (no fire time) link their shards through root_run_id. */
async function insertShard(m: EntityManager, run: RunEntity, index: number, total: number, now: Date): Promise<void> {
  await m.query(
    `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, fire_time, shard_index, shard_total, attempt, root_run_id, parent_run_id, chain_depth, params, planned_epoch, created_at, updated_at)
     VALUES (?, ?, ?, 'SCHEDULED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [run.jobId, run.appId, run.triggerType, run.scheduledAt, run.fireTime, index, total, run.attempt, run.fireTime ? run.rootRunId : run.id, run.parentRunId, run.chainDepth, run.params, run.plannedEpoch, now, now],
  );
}
