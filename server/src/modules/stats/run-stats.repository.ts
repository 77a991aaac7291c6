import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { EMPTY_DELTA, hourBucketOf, type RollupDelta, type RollupSums, type StatsRange } from './stats-buckets.js';

const COLUMNS = ['succeeded', 'failed', 'timed_out', 'cancelled', 'lost', 'skipped', 'duration_ms_sum', 'duration_ms_max', 'duration_count'] as const;

function deltaValues(d: RollupDelta): number[] {
  return [d.succeeded, d.failed, d.timedOut, d.cancelled, d.lost, d.skipped, d.durationMsSum, d.durationMsMax, d.durationCount];
}

/**
 * Adds `d` to the rollup row (job, hour): ONE statement, `INSERT … ON DUPLICATE KEY UPDATE
 * col = col + ?`, so concurrent ends of the same job and hour on different nodes never lose an
 * increment (each takes the row lock in turn) and no read-modify-write is needed. Plain
 * parameters rather than VALUES(col), which MySQL 8.0.20+ deprecates and whose replacement
 * (`AS new`) MariaDB lacks.
 */
export async function incrementRollup(m: EntityManager, jobId: string, appId: string, bucketStart: Date, d: RollupDelta): Promise<void> {
  const v = deltaValues(d);
  await m.query(
    `INSERT INTO run_stats_hourly (job_id, bucket_start, app_id, ${COLUMNS.join(', ')})
     VALUES (?, ?, ?, ${COLUMNS.map(() => '?').join(', ')})
     ON DUPLICATE KEY UPDATE
       succeeded = succeeded + ?, failed = failed + ?, timed_out = timed_out + ?, cancelled = cancelled + ?, lost = lost + ?, skipped = skipped + ?,
       duration_ms_sum = duration_ms_sum + ?, duration_ms_max = GREATEST(duration_ms_max, ?), duration_count = duration_count + ?`,
    [jobId, bucketStart, appId, ...v, ...v],
  );
}

/** The part of a trigger commit countSkippedFires needs (structurally a JobFirePlan). */
export interface PlannedFires {
  job: { id: string; appId: string };
  plan: { fires: ReadonlyArray<{ status: string; fireTime: Date }> };
}

/**
 * Counts the SKIPPED runs the trigger loop recorded in this transaction (misfire policy SKIP, a
 * schedule that no longer compiles). Those runs are inserted already ended and never pass through
 * RunEvents, so the trigger commit calls this inside its own fenced transaction: the count
 * commits or rolls back with the runs, exactly once. Which fires were really inserted (and not
 * a no-op on uq_runs_fire) is read back: a row this transaction created carries its `now` as
 * created_at (a lookup of a handful of rows by uq_runs_fire or idx_runs_created). Costs no
 * query when no fire was skipped (nearly every tick).
 */
export async function countSkippedFires(m: EntityManager, plans: readonly PlannedFires[], now: Date): Promise<void> {
  const byJob = new Map<string, Date[]>();
  for (const p of plans) {
    const skipped = p.plan.fires.filter((f) => f.status === 'SKIPPED').map((f) => f.fireTime);
    if (skipped.length > 0) byJob.set(String(p.job.id), skipped);
  }
  if (byJob.size === 0) return;
  const clauses = [...byJob.values()].map((times) => `(job_id = ? AND fire_time IN (${times.map(() => '?').join(', ')}))`);
  const rows: Array<{ job_id: string | number; app_id: string | number; n: string | number }> = await m.query(
    `SELECT job_id, app_id, COUNT(*) AS n FROM runs
      WHERE status = 'SKIPPED' AND shard_index = 0 AND created_at = ? AND (${clauses.join(' OR ')})
      GROUP BY job_id, app_id ORDER BY job_id`,
    [now, ...[...byJob.entries()].flatMap(([jobId, times]) => [jobId, ...times])],
  );
  for (const r of rows) await incrementRollup(m, String(r.job_id), String(r.app_id), hourBucketOf(now), { ...EMPTY_DELTA, skipped: Number(r.n) });
}

export interface StatsFilter {
  jobId?: string;
  appId?: string;
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
    }
    where.push('bucket_start >= ? AND bucket_start < ?');
    params.push(range.from, range.to);
    // bucket_start is written in UTC (the connection's time zone is 'Z'), so its date is the UTC day.
    const at = range.bucket === 'day' ? "DATE_FORMAT(bucket_start, '%Y-%m-%d')" : 'bucket_start';
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT ${at} AS at,
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
      at: range.bucket === 'day' ? new Date(`${String(r.at)}T00:00:00.000Z`) : (r.at as Date),
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
