import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { dialectOf } from '../../database/sql-dialect.js';
import { type RollupDelta, type RollupSums, type StatsRange } from './stats-buckets.js';

const COLUMNS = ['succeeded', 'failed', 'timed_out', 'cancelled', 'lost', 'skipped', 'duration_ms_sum', 'duration_ms_max', 'duration_count'] as const;

function deltaValues(d: RollupDelta): number[] {
  return [d.succeeded, d.failed, d.timedOut, d.cancelled, d.lost, d.skipped, d.durationMsSum, d.durationMsMax, d.durationCount];
}

/**
 * Adds `d` to the rollup row (job, hour): ONE upsert statement whose update is `col = col + ?`,
 * so concurrent ends of the same job and hour never lose an increment (on MySQL each takes the
 * row lock in turn; on SQLite writes run one at a time) and no read-modify-write is needed.
 * Plain parameters rather than the inserted values (VALUES(col) / excluded.col), whose MySQL
 * spelling 8.0.20+ deprecates and whose replacement (`AS new`) MariaDB lacks.
 */
async function incrementRollup(m: EntityManager, jobId: string, appId: string, bucketStart: Date, d: RollupDelta): Promise<void> {
  const sql = dialectOf(m);
  const v = deltaValues(d);
  await m.query(
    `INSERT INTO run_stats_hourly (job_id, bucket_start, app_id, ${COLUMNS.join(', ')})
     VALUES (?, ?, ?, ${COLUMNS.map(() => '?').join(', ')})
     ${sql.onConflictUpdate(
       ['job_id', 'bucket_start'],
       `succeeded = succeeded + ?, failed = failed + ?, timed_out = timed_out + ?, cancelled = cancelled + ?, lost = lost + ?, skipped = skipped + ?,
       duration_ms_sum = duration_ms_sum + ?, duration_ms_max = ${sql.greatest('duration_ms_max', '?')}, duration_count = duration_count + ?`,
     )}`,
    [jobId, bucketStart, appId, ...v, ...v],
  );
}

export interface StatsFilter {
  jobId?: string;
  appId?: string;
  /** The caller's apps (undefined = all; empty = none). */
  appIds?: readonly string[];
}

export interface BucketSums extends RollupSums {
  at: Date;
}

/** Rollup rows: written as runs end, read by /stats. Never reads the runs table. */
@Injectable()
export class RunStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  increment(jobId: string, appId: string, bucketStart: Date, d: RollupDelta): Promise<void> {
    return incrementRollup(this.dataSource.manager, jobId, appId, bucketStart, d);
  }

  /**
   * The sums per bucket of [from, to), only the buckets that have rows. Index use:
   * - a job: PRIMARY (job_id, bucket_start), a range on the hour;
   * - an app: idx_run_stats_hourly_app (app_id, bucket_start);
   * - everything: idx_run_stats_hourly_bucket (bucket_start).
   * Hour buckets group on bucket_start itself, so the grouping follows the index order (no
   * temporary table). Day buckets group the hour rows by their UTC date in SQL: at most 401 groups.
   */
  async series(filter: StatsFilter, range: StatsRange): Promise<BucketSums[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.jobId) {
      where.push('job_id = ?');
      params.push(filter.jobId);
    } else if (filter.appId) {
      where.push('app_id = ?');
      params.push(filter.appId);
    } else if (filter.appIds) {
      if (filter.appIds.length === 0) return [];
      where.push('app_id IN (?)');
      params.push(filter.appIds);
    }
    where.push('bucket_start >= ? AND bucket_start < ?');
    params.push(range.from, range.to);
    // bucket_start is written in UTC (MySQL's connection time zone is 'Z'; SQLite holds UTC text),
    // so its date is the UTC day. An hour comes back under its column's name, so both engines
    // return it as a Date; a day comes back as 'YYYY-MM-DD' text.
    const at = range.bucket === 'day' ? dialectOf(this.dataSource).utcDateOf('bucket_start') : 'bucket_start';
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT ${at} AS ${range.bucket === 'day' ? 'bucket_day' : 'bucket_start'},
              SUM(succeeded) AS succeeded, SUM(failed) AS failed, SUM(timed_out) AS timed_out, SUM(cancelled) AS cancelled,
              SUM(lost) AS lost, SUM(skipped) AS skipped,
              SUM(duration_ms_sum) AS duration_ms_sum, MAX(duration_ms_max) AS duration_ms_max, SUM(duration_count) AS duration_count
         FROM run_stats_hourly
        WHERE ${where.join(' AND ')}
        GROUP BY ${at}
        ORDER BY ${at}`,
      params,
    );
    return rows.map((r) => ({
      at: range.bucket === 'day' ? new Date(`${String(r.bucket_day)}T00:00:00.000Z`) : (r.bucket_start as Date),
      succeeded: Number(r.succeeded),
      failed: Number(r.failed),
      timedOut: Number(r.timed_out),
      cancelled: Number(r.cancelled),
      lost: Number(r.lost),
      skipped: Number(r.skipped),
      durationMsSum: Number(r.duration_ms_sum),
      durationMsMax: Number(r.duration_ms_max),
      durationCount: Number(r.duration_count),
    }));
  }
}
