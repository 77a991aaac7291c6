import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { FINAL_RUN_STATUSES, RUN_STATUSES, type RunStatus } from '@baton/protocol';
import { AppConfig } from '../../config/app-config.js';
import { DatabaseInfo, withBoundedLeaseLocks } from '../../database/database-info.js';
import { retryTransient } from '../../database/transient-errors.js';
import { assertLeaseHeld, type FenceToken } from '../scheduler/lease-fence.js';

const FINAL_LIST = FINAL_RUN_STATUSES.map((s) => `'${s}'`).join(', ');
const OPEN_LIST = RUN_STATUSES.filter((s) => !(FINAL_RUN_STATUSES as readonly string[]).includes(s))
  .map((s) => `'${s}'`)
  .join(', ');

const marks = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** A run as the janitor weighs it. */
export interface RunCandidate {
  id: string;
  jobId: string;
  status: RunStatus;
  createdAt: Date;
  finishedAt: Date | null;
  /** Chunks its log has (the last sequence number), to keep a batch's log deletion small. */
  logSeq: number;
}

/** Keyset position in a created_at index: the last (created_at, id) examined. */
export interface CreatedCursor {
  createdAt: Date;
  id: string;
}

export interface DeletedRuns {
  runs: number;
  logChunks: number;
}

type Row = Record<string, unknown>;

function toCandidate(r: Row): RunCandidate {
  return {
    id: String(r.id),
    jobId: String(r.job_id),
    status: r.status as RunStatus,
    createdAt: r.created_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
    logSeq: Number(r.log_seq),
  };
}

/** `AND (created_at, id) > cursor`, spelled so the range optimizer uses (created_at, PRIMARY) of a secondary index. */
function after(cursor: CreatedCursor | null): { sql: string; params: unknown[] } {
  if (!cursor) return { sql: '', params: [] };
  return { sql: ' AND (created_at > ? OR (created_at = ? AND id > ?))', params: [cursor.createdAt, cursor.createdAt, cursor.id] };
}

/**
 * Every statement of the retention janitor. Reads are plain (no locks); every delete is a short
 * transaction that starts with the leader fence, so a deposed leader deletes nothing, and whose
 * lock waits are bounded like the trigger loop's. Each delete touches at most one batch of rows.
 */
@Injectable()
export class RetentionRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly info: DatabaseInfo,
    private readonly config: AppConfig,
  ) {}

  /** Jobs with their own retention (jobs.retention_days). A scan of jobs: one row per job, few next to runs. */
  async overrideJobs(): Promise<Array<{ id: string; retentionDays: number }>> {
    const rows: Row[] = await this.dataSource.query('SELECT id, retention_days FROM jobs WHERE retention_days IS NOT NULL ORDER BY id');
    return rows.map((r) => ({ id: String(r.id), retentionDays: Number(r.retention_days) }));
  }

  /**
   * The oldest runs created before `cutoff`, after `cursor`, in (created_at, id) order:
   * idx_runs_created (created_at) — InnoDB appends the primary key to it, so the keyset
   * `(created_at, id) > cursor … ORDER BY created_at, id LIMIT n` is a range read of at most n
   * index entries (plus their rows, for status and finished_at). Open runs and runs the caller
   * keeps are returned too: filtering them in SQL would let one batch scan without bound past
   * rows it keeps; the caller moves the cursor past them instead.
   */
  async runsCreatedBefore(cutoff: Date, cursor: CreatedCursor | null, limit: number): Promise<RunCandidate[]> {
    const a = after(cursor);
    const rows: Row[] = await this.dataSource.query(
      `SELECT id, job_id, status, created_at, finished_at, log_seq FROM runs
        WHERE created_at < ?${a.sql}
        ORDER BY created_at, id LIMIT ?`,
      [cutoff, ...a.params, limit],
    );
    return rows.map(toCandidate);
  }

  /**
   * One job's runs after `afterId`, oldest first: idx_runs_job (job_id, id). Ids grow with
   * creation, so the caller stops at the first run newer than the job's cutoff. No created_at
   * condition here: it is not in the index, and a job with nothing old would be scanned whole.
   */
  async runsOfJob(jobId: string, afterId: string, limit: number): Promise<RunCandidate[]> {
    const rows: Row[] = await this.dataSource.query(
      'SELECT id, job_id, status, created_at, finished_at, log_seq FROM runs WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?',
      [jobId, afterId, limit],
    );
    return rows.map(toCandidate);
  }

  /**
   * Deletes these ended runs and their log chunks, in one short fenced transaction:
   * 1. locks the candidates that are ended (PRIMARY lookups: record locks only; a final status
   *    never changes, so what is locked stays deletable);
   * 2. keeps those whose chain is still open — the first attempt of its chain, another attempt
   *    or shard naming it as root (uq_runs_attempt), or for a planned SHARDING_BROADCAST fire a
   *    sibling shard (uq_runs_fire) or its retries. Deleting, say, a dead root whose operator
   *    retry is still running would break what that chain's end relies on: the manual-retry lock
   *    on the root row, and the shard group the child starter reads. The check runs after the
   *    locks, so its snapshot sees every attempt committed before them; an operator retry (which
   *    locks the root first) that comes later waits for this transaction. On SQLite there are no
   *    row locks and none are needed: the transaction holds the write lock from its start (BEGIN
   *    IMMEDIATE) and runs alone, so nothing can open a chain between the check and the deletes;
   * 3. deletes their log chunks (uq_run_log_chunks_seq, by run_id) and then the runs (PRIMARY).
   */
  deleteRuns(term: FenceToken, ids: readonly string[]): Promise<DeletedRuns> {
    if (ids.length === 0) return Promise.resolve({ runs: 0, logChunks: 0 });
    return this.fenced(term, async (m) => {
      const locked: Row[] = await m.query(`SELECT id FROM runs WHERE id IN (${marks(ids)}) AND status IN (${FINAL_LIST})${this.info.sql.forUpdate()}`, [...ids]);
      const lockedIds = locked.map((r) => String(r.id));
      if (lockedIds.length === 0) return { runs: 0, logChunks: 0 };
      const open: Row[] = await m.query(
        `SELECT r.id FROM runs r
          WHERE r.id IN (${marks(lockedIds)}) AND (
                EXISTS (SELECT 1 FROM runs c WHERE c.id = COALESCE(r.root_run_id, r.id) AND c.status IN (${OPEN_LIST}))
             OR EXISTS (SELECT 1 FROM runs c WHERE c.root_run_id = COALESCE(r.root_run_id, r.id) AND c.status IN (${OPEN_LIST}))
             OR EXISTS (SELECT 1 FROM runs g JOIN runs s ON s.job_id = g.job_id AND s.fire_time = g.fire_time
                         WHERE g.id = COALESCE(r.root_run_id, r.id) AND g.fire_time IS NOT NULL AND g.shard_total > 1
                           AND (s.status IN (${OPEN_LIST}) OR EXISTS (SELECT 1 FROM runs c WHERE c.root_run_id = s.id AND c.status IN (${OPEN_LIST})))))`,
        lockedIds,
      );
      const keep = new Set(open.map((r) => String(r.id)));
      const doomed = lockedIds.filter((id) => !keep.has(id));
      if (doomed.length === 0) return { runs: 0, logChunks: 0 };
      const chunks = await m.query(`DELETE FROM run_log_chunks WHERE run_id IN (${marks(doomed)})`, doomed);
      const runs = await m.query(`DELETE FROM runs WHERE id IN (${marks(doomed)})`, doomed);
      return { runs: Number(runs.affectedRows), logChunks: Number(chunks.affectedRows) };
    });
  }

  /** The oldest log chunks created before `cutoff`, after `cursor`: idx_run_log_chunks_created, keyset as for runs. */
  async logChunksCreatedBefore(cutoff: Date, cursor: CreatedCursor | null, limit: number): Promise<Array<{ id: string; runId: string; createdAt: Date }>> {
    const a = after(cursor);
    const rows: Row[] = await this.dataSource.query(
      `SELECT id, run_id, created_at FROM run_log_chunks WHERE created_at < ?${a.sql} ORDER BY created_at, id LIMIT ?`,
      [cutoff, ...a.params, limit],
    );
    return rows.map((r) => ({ id: String(r.id), runId: String(r.run_id), createdAt: r.created_at as Date }));
  }

  /** Which of these runs exist (PRIMARY lookups). */
  async existingRunIds(runIds: readonly string[]): Promise<Set<string>> {
    if (runIds.length === 0) return new Set();
    const rows: Row[] = await this.dataSource.query(`SELECT id FROM runs WHERE id IN (${marks(runIds)})`, [...runIds]);
    return new Set(rows.map((r) => String(r.id)));
  }

  /** Deletes these chunks if their run is (still) gone; fenced. One statement for both engines (PRIMARY lookups). */
  deleteOrphanLogChunks(term: FenceToken, chunkIds: readonly string[]): Promise<number> {
    if (chunkIds.length === 0) return Promise.resolve(0);
    return this.fenced(term, async (m) => {
      const r = await m.query(
        `DELETE FROM run_log_chunks WHERE id IN (${marks(chunkIds)}) AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = run_log_chunks.run_id)`,
        [...chunkIds],
      );
      return Number(r.affectedRows);
    });
  }

  /**
   * Deletes up to `limit` of the oldest alerts created before `cutoff`: idx_alerts_created, read
   * in order and stopped at the limit. Alerts still PENDING delivery are left to the dispatcher.
   */
  deleteAlertsBefore(term: FenceToken, cutoff: Date, limit: number): Promise<number> {
    return this.fenced(term, async (m) => {
      const r = await m.query(this.info.sql.deleteAtMost('alerts', 'id', "created_at < ? AND status <> 'PENDING'", 'created_at'), [cutoff, limit]);
      return Number(r.affectedRows);
    });
  }

  /** Deletes up to `limit` of the oldest rollup rows with bucket_start before `cutoff`: idx_run_stats_hourly_bucket. */
  deleteRollupsBefore(term: FenceToken, cutoff: Date, limit: number): Promise<number> {
    return this.fenced(term, async (m) => {
      const r = await m.query(this.info.sql.deleteAtMost('run_stats_hourly', 'rowid', 'bucket_start < ?', 'bucket_start'), [cutoff, limit]);
      return Number(r.affectedRows);
    });
  }

  /** A short leader write: the fence first, lock waits bounded, a deadlock retried (LeaseLostError is not). */
  private fenced<T>(term: FenceToken, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return retryTransient(() =>
      this.dataSource.transaction((m) =>
        withBoundedLeaseLocks(m, this.info, this.config.leaderLeaseTtlMs / 3000, async () => {
          await assertLeaseHeld(m, term);
          return fn(m);
        }),
      ),
    );
  }
}
