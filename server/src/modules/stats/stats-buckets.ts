import { STATS_MAX_RANGE_DAYS, type FieldProblem, type FinalRunStatus, type RunStatus, type StatsBucket, type StatsCounters } from '@baton/protocol';

/**
 * Pure arithmetic of the stats: UTC buckets, the range a request covers, and the counters a
 * run's end adds to its rollup row. No I/O, so it is unit-tested directly.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
const BUCKET_MS: Readonly<Record<StatsBucket, number>> = { hour: HOUR_MS, day: DAY_MS };
/** Without a `from`, a request covers the last 24 hours. */
export const DEFAULT_RANGE_MS = DAY_MS;
/** duration_ms_max is INT UNSIGNED (about 49.7 days); longer durations are clamped to it. */
export const MAX_DURATION_MS = 4_294_967_295;
/** Instants a request may name: DATETIME(3) holds more, but nothing in Baton is older or this far out. */
const EARLIEST_MS = Date.UTC(1970, 0, 1);
const LATEST_MS = Date.UTC(9000, 0, 1);

/**
 * The start of the bucket holding `t`. Buckets are aligned to the Unix epoch, which is a UTC
 * midnight, and JavaScript time has no leap seconds, so hours and UTC days are plain multiples.
 */
export function bucketFloor(t: Date, bucket: StatsBucket): Date {
  const size = BUCKET_MS[bucket];
  return new Date(Math.floor(t.getTime() / size) * size);
}

/** The first bucket boundary at or after `t`. */
export function bucketCeil(t: Date, bucket: StatsBucket): Date {
  const size = BUCKET_MS[bucket];
  return new Date(Math.ceil(t.getTime() / size) * size);
}

/** The rollup row a run that ended at `finishedAt` is counted in. */
export function hourBucketOf(finishedAt: Date): Date {
  return bucketFloor(finishedAt, 'hour');
}

/** Every bucket start in [from, to), oldest first (`from` and `to` on boundaries). */
export function bucketStarts(from: Date, to: Date, bucket: StatsBucket): Date[] {
  const size = BUCKET_MS[bucket];
  const starts: Date[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += size) starts.push(new Date(t));
  return starts;
}

export interface StatsRange {
  /** Inclusive, on a bucket boundary. */
  from: Date;
  /** Exclusive, on a bucket boundary. */
  to: Date;
  bucket: StatsBucket;
}

/**
 * The range a request covers: `to` defaults to now, `from` to `to` minus 24 hours; `from` must
 * be before `to`, and `to - from` at most 90 days for hour buckets (at most 2,161 points) and 400
 * days for day buckets. The range is then widened to whole buckets: `from` rounded down, `to`
 * up. Returns the problems instead, by field, when the request is out of bounds.
 */
export function resolveStatsRange(q: { from?: string; to?: string; bucket?: StatsBucket }, now: Date): StatsRange | FieldProblem[] {
  const bucket = q.bucket ?? 'hour';
  const problems: FieldProblem[] = [];
  const parse = (field: 'from' | 'to', value: string | undefined): Date | null => {
    if (value === undefined) return null;
    const t = Date.parse(value);
    if (Number.isNaN(t) || t < EARLIEST_MS || t >= LATEST_MS) {
      problems.push({ field, message: `${field} must be an ISO 8601 instant between 1970 and 9000, e.g. 2026-11-21T10:00:00Z` });
      return null;
    }
    return new Date(t);
  };
  const toRaw = parse('to', q.to);
  const fromRaw = parse('from', q.from);
  if (problems.length > 0) return problems;

  const to = toRaw ?? now;
  const from = fromRaw ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
  const maxDays = STATS_MAX_RANGE_DAYS[bucket];
  if (from.getTime() >= to.getTime()) {
    problems.push({ field: 'from', message: `from (${from.toISOString()}) must be before to (${to.toISOString()})` });
  } else if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    problems.push({ field: 'to', message: `to - from must be at most ${maxDays} days with ${bucket} buckets${bucket === 'hour' ? ' (use bucket=day for longer ranges)' : ''}` });
  }
  if (problems.length > 0) return problems;
  return { from: bucketFloor(from, bucket), to: bucketCeil(to, bucket), bucket };
}

/** What one run's end (or several) adds to a rollup row. */
export interface RollupDelta {
  succeeded: number;
  failed: number;
  timedOut: number;
  cancelled: number;
  lost: number;
  skipped: number;
  durationMsSum: number;
  durationMsMax: number;
  durationCount: number;
}

/** The same numbers summed over rows (the SQL SUMs and MAX of /stats). */
export type RollupSums = RollupDelta;

export const EMPTY_DELTA: Readonly<RollupDelta> = Object.freeze({ succeeded: 0, failed: 0, timedOut: 0, cancelled: 0, lost: 0, skipped: 0, durationMsSum: 0, durationMsMax: 0, durationCount: 0 });

/** Which counter each final status increments. */
export const STATUS_COUNTER: Readonly<Record<FinalRunStatus, 'succeeded' | 'failed' | 'timedOut' | 'cancelled' | 'lost' | 'skipped'>> = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timedOut',
  CANCELLED: 'cancelled',
  LOST: 'lost',
  SKIPPED: 'skipped',
};

/** started → finished in ms, clamped to [0, MAX_DURATION_MS] (executor clocks may disagree a little); null unless both exist. */
export function durationMs(startedAt: Date | null, finishedAt: Date | null): number | null {
  if (!startedAt || !finishedAt) return null;
  return Math.min(MAX_DURATION_MS, Math.max(0, finishedAt.getTime() - startedAt.getTime()));
}

/** The rollup row key and increments of one ended run; null for a run that has not ended. */
export function runDelta(run: { status: RunStatus; startedAt: Date | null; finishedAt: Date | null; updatedAt?: Date }): { bucketStart: Date; delta: RollupDelta } | null {
  const counter = STATUS_COUNTER[run.status as FinalRunStatus];
  if (!counter) return null;
  // Every final transition writes finished_at; updated_at is only a fallback for a row that somehow lacks it.
  const endedAt = run.finishedAt ?? run.updatedAt ?? null;
  if (!endedAt) return null;
  const duration = durationMs(run.startedAt, run.finishedAt);
  const delta: RollupDelta = { ...EMPTY_DELTA, [counter]: 1 };
  if (duration !== null) Object.assign(delta, { durationMsSum: duration, durationMsMax: duration, durationCount: 1 });
  return { bucketStart: hourBucketOf(endedAt), delta };
}

/** Adds `b` into `a` (sums, and the max of the maxima). */
export function addSums(a: RollupSums, b: RollupSums): RollupSums {
  return {
    succeeded: a.succeeded + b.succeeded,
    failed: a.failed + b.failed,
    timedOut: a.timedOut + b.timedOut,
    cancelled: a.cancelled + b.cancelled,
    lost: a.lost + b.lost,
    skipped: a.skipped + b.skipped,
    durationMsSum: a.durationMsSum + b.durationMsSum,
    durationMsMax: Math.max(a.durationMsMax, b.durationMsMax),
    durationCount: a.durationCount + b.durationCount,
  };
}

/** The API shape: the six counts, their total, and the duration average and maximum (null without durations). */
export function toCounters(s: RollupSums): StatsCounters {
  return {
    succeeded: s.succeeded,
    failed: s.failed,
    timedOut: s.timedOut,
    cancelled: s.cancelled,
    lost: s.lost,
    skipped: s.skipped,
    runs: s.succeeded + s.failed + s.timedOut + s.cancelled + s.lost + s.skipped,
    avgDurationMs: s.durationCount > 0 ? Math.round(s.durationMsSum / s.durationCount) : null,
    maxDurationMs: s.durationCount > 0 ? s.durationMsMax : null,
  };
}
