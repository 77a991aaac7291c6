import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { whereAppIn } from '../../database/app-scope-sql.js';
import { dialectOf, engineOf } from '../../database/sql-dialect.js';
import { JobEntity } from '../jobs/job.entity.js';
import { jobKey } from '../jobs/job-ref.js';
import { RunEntity } from '../runs/run.entity.js';
import { assertLeaseHeld, type FenceToken } from '../scheduler/lease-fence.js';
import { chainRootOf } from './retry-policy.js';

/** The next attempt of a run's chain, as the planner or an operator asks for it. */
export interface AttemptToInsert {
  /** The attempt it follows: job, app, params, shard, parent and chain root are copied from it. */
  from: RunEntity;
  attempt: number;
  dueAt: Date;
  reason: string;
}

export interface InsertedAttempt {
  id: string;
  /** false when that attempt already existed (the same end was planned before, or a concurrent retry won). */
  created: boolean;
}

/** The statuses a run ends with when it failed; only these can be dead. */
const FAILURES = "'FAILED', 'TIMED_OUT', 'LOST'";
const OPEN = ['SCHEDULED', 'DISPATCHED', 'RUNNING'] as const;
const OPEN_LIST = OPEN.map((s) => `'${s}'`).join(', ');
/** Larger than any id: the least of the candidates ignores a missing one. (2^63 - 1: an INTEGER in SQLite too.) */
const NO_ID = '9223372036854775807';

/**
 * "A later attempt of r's chain exists", for r aliased `r` and the probe aliased `n`; served by
 * uq_runs_attempt (root_run_id, attempt, shard_index): one ref lookup on the root plus a range on attempt.
 */
const LATER_ATTEMPT = 'n.root_run_id = COALESCE(r.root_run_id, r.id) AND n.shard_index = r.shard_index AND n.attempt > r.attempt';

const marks = (list: unknown[]) => list.map(() => '?').join(',');

/** Every SQL statement of retries and dead letters. */
@Injectable()
export class RetriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findRun(id: string): Promise<RunEntity | null> {
    return this.dataSource.getRepository(RunEntity).findOneBy({ id });
  }

  findRuns(ids: string[]): Promise<RunEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(RunEntity).createQueryBuilder('r').where('r.id IN (:...ids)', { ids }).getMany();
  }

  findJob(id: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOneBy({ id });
  }

  /** `app:name` by job id, for rendering runs; deleted jobs are absent. */
  async jobKeys(jobIds: string[]): Promise<Map<string, string>> {
    const ids = [...new Set(jobIds)];
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; app: string; name: string }> = await this.dataSource.query(
      `SELECT j.id, a.name AS app, j.name FROM jobs j JOIN apps a ON a.id = j.app_id WHERE j.id IN (${marks(ids)})`,
      ids,
    );
    return new Map(rows.map((r) => [String(r.id), jobKey(r.app, r.name)]));
  }

  /**
   * Inserts attempt `attempt` of the run's chain, due at `dueAt`. uq_runs_attempt (root, attempt,
   * shard) makes this idempotent: the same end planned twice (two nodes, the planner and the
   * sweeper) inserts one row, and every caller gets its id back.
   * With `fence`, the write is a leader write: it commits only while the lease is held.
   */
  insertAttempt(next: AttemptToInsert, now: Date, fence?: FenceToken): Promise<InsertedAttempt> {
    if (!fence) return insertIn(this.dataSource.manager, next, now);
    return this.dataSource.transaction(async (m) => {
      await assertLeaseHeld(m, fence);
      return insertIn(m, next, now);
    });
  }

  /**
   * An operator's retry of `from`: the chain's next attempt (highest + 1), due at `dueAt`, and
   * the chain (this shard of it) off the dead-letter list. Concurrent retries of one chain take
   * turns on the root run's row lock, so "highest + 1" cannot be read by two at once; the one
   * that comes second finds the attempt the first made still open and gets it back
   * (created: false) instead of stacking another. The planner does not take the lock; against it
   * uq_runs_attempt keeps the attempt single, and markDead's guard sees the later attempt.
   * (SQLite: no row locks; the transaction holds the database's write lock throughout.)
   */
  retryChain(from: RunEntity, dueAt: Date, reason: (attempt: number) => string, now: Date): Promise<InsertedAttempt> {
    const root = chainRootOf(from);
    return this.dataSource.transaction(async (m) => {
      const sql = dialectOf(m);
      await m.query(`SELECT id FROM runs WHERE id = ?${sql.forUpdate()}`, [root]);
      // Locking reads: they see what the previous holder of the lock committed.
      const open: Array<{ id: string }> = await m.query(
        `SELECT id FROM runs WHERE root_run_id = ? AND shard_index = ? AND attempt > ? AND status IN (${OPEN_LIST}) ORDER BY attempt LIMIT 1${sql.forShare()}`,
        [root, from.shardIndex, from.attempt],
      );
      if (open.length > 0) return { id: String(open[0]!.id), created: false };
      const [top]: Array<{ max: number | string | null }> = await m.query(
        `SELECT MAX(attempt) AS max FROM runs WHERE (id = ? OR root_run_id = ?) AND shard_index = ?${sql.forShare()}`,
        [root, root, from.shardIndex],
      );
      const attempt = Number(top?.max ?? from.attempt) + 1;
      const inserted = await insertIn(m, { from, attempt, dueAt, reason: reason(attempt) }, now);
      await m.query('UPDATE runs SET dead = 0, updated_at = ? WHERE (id = ? OR root_run_id = ?) AND shard_index = ? AND attempt < ? AND dead = 1', [now, root, root, from.shardIndex, attempt]);
      return inserted;
    });
  }

  /**
   * Marks an ended failure dead (the dead-letter list), keeping any reason it already has.
   * Guarded: only a FAILED/TIMED_OUT/LOST run, not dead yet, whose chain has no later attempt,
   * so a run an operator retried meanwhile is not put back on the list. (MySQL: a self-join,
   * since it refuses a subquery on the table being updated; SQLite has no UPDATE … JOIN and
   * takes the NOT EXISTS.)
   */
  markDead(runId: string, why: string, now: Date, fence?: FenceToken): Promise<boolean> {
    const write = async (m: EntityManager): Promise<boolean> => {
      if (fence) await assertLeaseHeld(m, fence);
      const statement =
        engineOf(m) === 'sqlite'
          ? `UPDATE runs AS r SET dead = 1, status_reason = COALESCE(status_reason, ?), updated_at = ?
              WHERE r.id = ? AND r.status IN (${FAILURES}) AND r.dead = 0 AND NOT EXISTS (SELECT 1 FROM runs n WHERE ${LATER_ATTEMPT})`
          : `UPDATE runs r LEFT JOIN runs n ON ${LATER_ATTEMPT}
                SET r.dead = 1, r.status_reason = COALESCE(r.status_reason, ?), r.updated_at = ?
              WHERE r.id = ? AND r.status IN (${FAILURES}) AND r.dead = 0 AND n.id IS NULL`;
      const result = await m.query(statement, [`dead: ${why}`.slice(0, 255), now, runId]);
      return result.affectedRows > 0;
    };
    return fence ? this.dataSource.transaction(write) : write(this.dataSource.manager);
  }

  /**
   * Dead runs, oldest first, optionally of one job and/or app. idx_runs_dead (dead, id) walks
   * the dead-letter list in id order and stops after `limit` matches; the list is short next to
   * the whole table, so the job/app filter on those rows is cheap.
   */
  deadRuns(filter: { jobId?: string; appId?: string; appIds?: readonly string[] }, limit: number): Promise<RunEntity[]> {
    const q = this.dataSource.getRepository(RunEntity).createQueryBuilder('r').where('r.dead = 1').orderBy('r.id', 'ASC').limit(limit);
    if (filter.jobId) q.andWhere('r.job_id = :jobId', { jobId: filter.jobId });
    if (filter.appId) q.andWhere('r.app_id = :appId', { appId: filter.appId });
    whereAppIn(q, 'r.app_id', filter.appIds);
    return q.getMany();
  }

  // ---- the sweeper's window -----------------------------------------------------------------
  //
  // finished_at is not indexed (every run writes it; the table already carries twelve indexes),
  // so "runs that ended recently" is found by id instead: idx_runs_status (status, id) gives the
  // failures with id >= :floor as three short ranges. The floor comes from the queries below,
  // each one or a few index dives.

  /**
   * Every run below the returned id had ended when this ran: the lowest id still SCHEDULED,
   * DISPATCHED or RUNNING (MIN over (status, id) is one dive per status), and, because ids are
   * handed out before a transaction commits, nothing above the first run created since
   * `uncommittedSince` (idx_runs_created) nor above the current maximum.
   */
  async lowestOpenId(uncommittedSince: Date): Promise<string> {
    const open = OPEN.map((s) => `COALESCE((SELECT MIN(id) FROM runs WHERE status = '${s}'), ${NO_ID})`).join(', ');
    const rows: Array<{ floor: string | number }> = await this.dataSource.query(
      `SELECT ${dialectOf(this.dataSource).least(
        open,
        `COALESCE((SELECT id FROM runs WHERE created_at >= ? ORDER BY created_at LIMIT 1), ${NO_ID})`,
        'COALESCE((SELECT MAX(id) FROM runs), 0) + 1',
      )} AS floor`,
      [uncommittedSince],
    );
    return String(rows[0]!.floor);
  }

  /** The first run created at or after `since` (idx_runs_created), or one past the last run. */
  async firstIdCreatedSince(since: Date): Promise<string> {
    const rows: Array<{ id: string | number }> = await this.dataSource.query(
      `SELECT COALESCE((SELECT id FROM runs WHERE created_at >= ? ORDER BY created_at LIMIT 1), (SELECT COALESCE(MAX(id), 0) + 1 FROM runs)) AS id`,
      [since],
    );
    return String(rows[0]!.id);
  }

  /**
   * Failures from `fromId` on, oldest first, that nothing followed up: not dead and no later
   * attempt in their chain (probing uq_runs_attempt). Whether each should be retried or marked
   * dead is the planner's call.
   */
  unsettledFailures(fromId: string, limit: number): Promise<RunEntity[]> {
    return this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .where(`r.status IN (${FAILURES}) AND r.id >= :fromId AND r.dead = 0`, { fromId })
      .andWhere(`NOT EXISTS (SELECT 1 FROM runs n WHERE ${LATER_ATTEMPT})`)
      .orderBy('r.id', 'ASC')
      .limit(limit)
      .getMany();
  }
}

/** The INSERT of a next attempt (idempotent on uq_runs_attempt), and the id of that attempt, new or not. */
async function insertIn(m: EntityManager, next: AttemptToInsert, now: Date): Promise<InsertedAttempt> {
  const { from } = next;
  const root = chainRootOf(from);
  const sql = dialectOf(m);
  const result = await m.query(
    `INSERT INTO runs (job_id, app_id, trigger_type, status, status_reason, scheduled_at, fire_time, shard_index, shard_total, attempt,
                       root_run_id, parent_run_id, chain_depth, planned_epoch, idempotency_key, params, created_at, updated_at)
     VALUES (?, ?, 'RETRY', 'SCHEDULED', ?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)
     ${sql.onConflictKeep(['root_run_id', 'attempt', 'shard_index'])}`,
    [from.jobId, from.appId, next.reason.slice(0, 255), next.dueAt, from.shardIndex, from.shardTotal, next.attempt, root, from.parentRunId, from.chainDepth, from.params, now, now],
  );
  // A locking read sees the latest committed row whatever the transaction's snapshot.
  const rows: Array<{ id: string }> = await m.query(`SELECT id FROM runs WHERE root_run_id = ? AND attempt = ? AND shard_index = ?${sql.forShare()}`, [
    root,
    next.attempt,
    from.shardIndex,
  ]);
  const id = String(rows[0]!.id);
  // insertId is 0 when the duplicate key kept the existing row (SQLite: no row changed).
  return { id, created: String(result.insertId) === id };
}
