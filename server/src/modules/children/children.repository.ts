import { Injectable } from '@nestjs/common';
import type { ChildTriggerCondition } from '@baton/protocol';
import { DataSource, type EntityManager } from 'typeorm';
import { dialectOf } from '../../database/sql-dialect.js';
import { JobEntity } from '../jobs/job.entity.js';
import { jobKey } from '../jobs/job-ref.js';
import { RunEntity } from '../runs/run.entity.js';
import { assertLeaseHeld, type FenceToken } from '../scheduler/lease-fence.js';

/** One edge of the job graph, seen from the parent. */
export interface ChildEdge {
  childJobId: string;
  triggerOn: ChildTriggerCondition;
  createdAt: Date;
}

/** The child runs one parent run's end starts, all in one status. */
export interface NewChildren {
  /** The run the children hang under (parent_run_id; its chain_depth + 1 is theirs). */
  parent: RunEntity;
  childJobIds: string[];
  /** SKIPPED (with `reason`) when the chain is too deep. */
  status: 'SCHEDULED' | 'SKIPPED';
  reason: string | null;
}

export interface FanOutResult {
  /** The child runs this call inserted (none when the same end was fanned out before). */
  created: RunEntity[];
  /** Child runs of these jobs that an earlier fan-out of the same end had inserted. */
  existing: number;
}

/** The idempotency key of the child runs a parent run starts: uq_runs_idempotency (job_id, idempotency_key) lets each child job have one per parent. */
export const childKey = (parentRunId: string) => `child-of:${parentRunId}`;

/** The statuses a chain can end with that start children (CANCELLED and SKIPPED never do). */
const ENDED = "'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'LOST'";
const OPEN = "'SCHEDULED', 'DISPATCHED', 'RUNNING'";
/** Larger than any id (2^63 - 1: an INTEGER in SQLite too). */
const NO_ID = '9223372036854775807';
/** Job ids per statement in the sweeper's queries. */
const JOB_CHUNK = 500;

const marks = (list: unknown[]) => list.map(() => '?').join(',');
const chunks = <T>(list: T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
const minId = (a: string, b: string) => (BigInt(a) <= BigInt(b) ? a : b);

/** Every SQL statement of child jobs. */
@Injectable()
export class ChildrenRepository {
  constructor(private readonly dataSource: DataSource) {}

  findRun(id: string): Promise<RunEntity | null> {
    return this.dataSource.getRepository(RunEntity).findOneBy({ id });
  }

  findJob(id: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOneBy({ id });
  }

  /**
   * The child edges of a job (PRIMARY (parent_job_id, child_job_id) prefix). With `createdBy`,
   * only edges that existed then: the sweeper must not start children for a run that ended
   * before the edge was added.
   */
  async edgesOf(parentJobId: string, createdBy: Date | null = null): Promise<ChildEdge[]> {
    const rows: Array<{ child_job_id: string | number; trigger_on: ChildTriggerCondition; created_at: Date }> = await this.dataSource.query(
      `SELECT child_job_id, trigger_on, created_at FROM job_dependencies WHERE parent_job_id = ?${createdBy ? ' AND created_at <= ?' : ''} ORDER BY child_job_id`,
      createdBy ? [parentJobId, createdBy] : [parentJobId],
    );
    return rows.map((r) => ({ childJobId: String(r.child_job_id), triggerOn: r.trigger_on, createdAt: r.created_at }));
  }

  /**
   * Every run (all shards, all attempts) of the SHARDING_BROADCAST fire `run` belongs to, as the
   * dispatcher's fan-out links them (dispatch.repository.ts):
   * - a planned fire: its shards share (job_id, fire_time) — uq_runs_fire — and each shard's
   *   retries name that shard's first attempt as root (uq_runs_attempt);
   * - an unplanned one (API, manual, child): shard 0 is the original run, and every other shard
   *   and every retry names it as root.
   */
  async broadcastGroup(run: RunEntity): Promise<RunEntity[]> {
    const rootId = run.rootRunId ?? run.id;
    const root = rootId === run.id ? run : await this.findRun(rootId);
    const runs = this.dataSource.getRepository(RunEntity);
    if (root?.fireTime) {
      const firsts = await runs.findBy({ jobId: root.jobId, fireTime: root.fireTime });
      if (firsts.length === 0) return [];
      const retries = await runs.createQueryBuilder('r').where('r.root_run_id IN (:...ids)', { ids: firsts.map((f) => f.id) }).getMany();
      return [...firsts, ...retries];
    }
    return runs.createQueryBuilder('r').where('r.id = :rootId OR r.root_run_id = :rootId', { rootId }).getMany();
  }

  /**
   * Inserts the child runs of one parent run in ONE multi-row statement, each with its job's
   * current params and app (a child job deleted meanwhile is left out). Idempotent: each child
   * carries idempotency_key child-of:<parent>, and a duplicate keeps the existing row (ON
   * DUPLICATE KEY UPDATE id = id), so the same end seen twice — two reports, two nodes, the
   * listener and the sweeper — starts each child once.
   *
   * The parent's row is locked first (FOR UPDATE), so fan-outs of one parent take turns and the
   * children read after the lock (the transaction's snapshot starts there: every read before it
   * is a locking one) tell exactly which rows this call created; a duplicate row is no signal,
   * since the driver counts found rows as affected. Deliberately no locking read of the children
   * (its gap locks on idx_runs_parent can make concurrent fan-outs deadlock on their inserts) and
   * no INSERT … SELECT (it holds InnoDB's table-level AUTO-INC lock while it waits for row locks,
   * which can stall every other insert into runs). With `fence`, a leader write. On SQLite the
   * transaction holds the database's write lock throughout, which serves as the parent's lock.
   */
  fanOut(c: NewChildren, now: Date, fence?: FenceToken): Promise<FanOutResult> {
    return this.dataSource.transaction(async (m) => {
      if (fence) await assertLeaseHeld(m, fence);
      const parentId = c.parent.id;
      const key = childKey(parentId);
      await m.query(`SELECT id FROM runs WHERE id = ?${dialectOf(m).forUpdate()}`, [parentId]);
      const before = await this.childrenKeyed(m, parentId, key);
      const jobs: Array<{ id: string | number; app_id: string | number; params: string | null }> = c.childJobIds.length
        ? await m.query(`SELECT id, app_id, params FROM jobs WHERE id IN (${marks(c.childJobIds)}) ORDER BY id`, c.childJobIds)
        : [];
      const fresh = jobs.filter((j) => !before.some((r) => r.jobId === String(j.id)));
      if (fresh.length > 0) {
        const finishedAt = c.status === 'SKIPPED' ? now : null;
        const reason = c.reason?.slice(0, 255) ?? null;
        await m.query(
          `INSERT INTO runs (job_id, app_id, trigger_type, status, status_reason, scheduled_at, fire_time, shard_index, shard_total, attempt,
                             root_run_id, parent_run_id, chain_depth, planned_epoch, idempotency_key, params, finished_at, created_at, updated_at)
           VALUES ${fresh.map(() => "(?, ?, 'CHILD', ?, ?, ?, NULL, 0, 1, 1, NULL, ?, ?, NULL, ?, ?, ?, ?, ?)").join(', ')}
           ${dialectOf(m).onConflictKeep(['job_id', 'idempotency_key'])}`,
          fresh.flatMap((j) => [j.id, j.app_id, c.status, reason, now, parentId, c.parent.chainDepth + 1, key, j.params, finishedAt, now, now]),
        );
      }
      const after = fresh.length > 0 ? await this.childrenKeyed(m, parentId, key) : before;
      const had = new Set(before.map((r) => r.id));
      const wanted = new Set(c.childJobIds);
      return { created: after.filter((r) => !had.has(r.id)), existing: before.filter((r) => wanted.has(r.jobId)).length };
    });
  }

  /** The child runs a fan-out of `parentId` inserted (idx_runs_parent; retries of children carry no key). */
  private childrenKeyed(m: EntityManager, parentId: string, key: string): Promise<RunEntity[]> {
    return m
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .where('r.parent_run_id = :parentId AND r.idempotency_key = :key', { parentId, key })
      .orderBy('r.id', 'ASC')
      .getMany();
  }

  /** Child runs of a run, oldest first, keyset by id: idx_runs_parent (parent_run_id) holds the primary key, so `id > :after ORDER BY id` reads the index in order. */
  childrenOf(parentRunId: string, afterId: string | undefined, limit: number): Promise<RunEntity[]> {
    const q = this.dataSource.getRepository(RunEntity).createQueryBuilder('r').where('r.parent_run_id = :parentRunId', { parentRunId });
    if (afterId) q.andWhere('r.id > :afterId', { afterId });
    return q.orderBy('r.id', 'ASC').limit(limit).getMany();
  }

  /** `app:name` by job id; deleted jobs are absent. */
  async jobKeys(jobIds: string[]): Promise<Map<string, string>> {
    const ids = [...new Set(jobIds)];
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string | number; app: string; name: string }> = await this.dataSource.query(
      `SELECT j.id, a.name AS app, j.name FROM jobs j JOIN apps a ON a.id = j.app_id WHERE j.id IN (${marks(ids)})`,
      ids,
    );
    return new Map(rows.map((r) => [String(r.id), jobKey(r.app, r.name)]));
  }

  // ---- the sweeper's window ---------------------------------------------------------------------
  //
  // The sweeper looks only at runs of jobs that have children. Those job ids come from
  // job_dependencies (a loose scan of its primary key), and every query below then walks
  // idx_runs_job_status (job_id, status, id) with job_id and status fixed and a range on id — so
  // a pass reads the recent ended runs of parent jobs, never the whole runs table. finished_at is
  // not indexed (every run writes it, and the table already carries twelve indexes); "ended
  // recently" is therefore "id at or above a floor", see lowestOpenId and ChildSweeper.

  /** The jobs that have at least one child. */
  async parentJobIds(): Promise<string[]> {
    const rows: Array<{ id: string | number }> = await this.dataSource.query('SELECT DISTINCT parent_job_id AS id FROM job_dependencies ORDER BY parent_job_id');
    return rows.map((r) => String(r.id));
  }

  /**
   * An id below which every run of these jobs had ended when this ran: the lowest id of their
   * runs still SCHEDULED, DISPATCHED or RUNNING (MIN per (job, status) group: a loose index scan
   * of idx_runs_job_status); and, because ids are handed out before a transaction commits, no
   * higher than the first run created since `uncommittedSince` (idx_runs_created) or the next id.
   */
  async lowestOpenId(jobIds: string[], uncommittedSince: Date): Promise<string> {
    const bounds: Array<{ recent: string | number; next: string | number }> = await this.dataSource.query(
      `SELECT COALESCE((SELECT id FROM runs WHERE created_at >= ? ORDER BY created_at LIMIT 1), ${NO_ID}) AS recent,
              COALESCE((SELECT MAX(id) FROM runs), 0) + 1 AS next`,
      [uncommittedSince],
    );
    let floor = minId(String(bounds[0]!.recent), String(bounds[0]!.next));
    for (const ids of chunks(jobIds, JOB_CHUNK)) {
      const rows: Array<{ id: string | number }> = await this.dataSource.query(
        `SELECT MIN(id) AS id FROM runs WHERE job_id IN (${marks(ids)}) AND status IN (${OPEN}) GROUP BY job_id, status`,
        ids,
      );
      for (const r of rows) floor = minId(floor, String(r.id));
    }
    return floor;
  }

  /** The first run created at or after `since` (idx_runs_created), or one past the last run. */
  async firstIdCreatedSince(since: Date): Promise<string> {
    const rows: Array<{ id: string | number }> = await this.dataSource.query(
      'SELECT COALESCE((SELECT id FROM runs WHERE created_at >= ? ORDER BY created_at LIMIT 1), (SELECT COALESCE(MAX(id), 0) + 1 FROM runs)) AS id',
      [since],
    );
    return String(rows[0]!.id);
  }

  /**
   * Ended runs of these jobs with id >= `fromId`, oldest first, that look like a fan-out is
   * missing: the last attempt of their chain (no later attempt: a probe of uq_runs_attempt), with
   * an edge that existed when the run ended, whose condition matches the run's status, and for
   * whose child job no run keyed child-of:<run> exists (a probe of uq_runs_idempotency). Runs of
   * a broadcast fire (shard_total > 1) are matched against every edge: whether the fire
   * succeeded depends on all its shards, which ChildStarter works out.
   * A FAILED/TIMED_OUT/LOST run still waiting for its retry to be inserted is returned too;
   * ChildStarter sees the retry follows and starts nothing.
   */
  async unsettledParents(jobIds: string[], fromId: string, limit: number): Promise<RunEntity[]> {
    const found: RunEntity[] = [];
    for (const ids of chunks(jobIds, JOB_CHUNK)) {
      found.push(
        ...(await this.dataSource
          .getRepository(RunEntity)
          .createQueryBuilder('r')
          // Without the hint the optimizer may walk PRIMARY from :fromId to save the sort for
          // ORDER BY id LIMIT — every run of every job above the floor; this reads only the
          // (job, status) ranges of parent jobs and sorts the few matches.
          .useIndex('idx_runs_job_status')
          .where(`r.job_id IN (:...ids) AND r.status IN (${ENDED}) AND r.id >= :fromId`, { ids, fromId })
          .andWhere('NOT EXISTS (SELECT 1 FROM runs n WHERE n.root_run_id = COALESCE(r.root_run_id, r.id) AND n.shard_index = r.shard_index AND n.attempt > r.attempt)')
          .andWhere(
            `EXISTS (SELECT 1 FROM job_dependencies d
                      WHERE d.parent_job_id = r.job_id AND d.created_at <= r.finished_at
                        AND (r.shard_total > 1 OR d.trigger_on = 'ALWAYS'
                             OR (d.trigger_on = 'SUCCESS' AND r.status = 'SUCCEEDED') OR (d.trigger_on = 'FAILURE' AND r.status <> 'SUCCEEDED'))
                        AND NOT EXISTS (SELECT 1 FROM runs c WHERE c.job_id = d.child_job_id AND c.idempotency_key = CONCAT('child-of:', r.id)))`,
          )
          .orderBy('r.id', 'ASC')
          .limit(limit)
          .getMany()),
      );
    }
    return found.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)).slice(0, limit);
  }
}
