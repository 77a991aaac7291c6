/** Run statistics (`GET /api/v1/stats`), read from the hourly rollups, never from the runs table. */

export const STATS_BUCKETS = ['hour', 'day'] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];

/** The widest range (`to - from`) one request may ask for, per bucket size. */
export const STATS_MAX_RANGE_DAYS: Readonly<Record<StatsBucket, number>> = { hour: 90, day: 400 };

/** Query string of `GET /stats`. Every field is optional. */
export interface StatsQuery {
  /** Only runs of this app (name or id). */
  app?: string;
  /** Only runs of this job (id or `app:name`). */
  job?: string;
  /** ISO 8601 instant; default `to` minus 24 hours. Rounded down to a bucket boundary (UTC). */
  from?: string;
  /** ISO 8601 instant; default now. Rounded up to a bucket boundary (UTC). */
  to?: string;
  /** Default `hour`. */
  bucket?: StatsBucket;
}

/** Counts of ended runs by final status, and their durations (started → finished). */
export interface StatsCounters {
  succeeded: number;
  failed: number;
  timedOut: number;
  cancelled: number;
  lost: number;
  skipped: number;
  /** The sum of the six counts above. */
  runs: number;
  /** Over the runs that have both a start and an end (skipped runs and runs cancelled before they started have none); null when there are none. */
  avgDurationMs: number | null;
  maxDurationMs: number | null;
}

/** One bucket: runs that ended in [at, at + bucket). */
export interface StatsPoint extends StatsCounters {
  at: string;
}

export interface StatsResponse {
  /** The range actually covered: `from` rounded down and `to` rounded up to whole buckets (UTC). */
  from: string;
  to: string;
  bucket: StatsBucket;
  totals: StatsCounters;
  /** Every bucket of the range, oldest first, including empty ones. */
  series: StatsPoint[];
}
