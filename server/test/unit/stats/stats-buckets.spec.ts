import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import type { FieldProblem } from '@baton/protocol';
import { createValidationPipe } from '../../../src/common/http/validation.pipe.js';
import { DomainError } from '../../../src/common/errors/domain-error.js';
import { StatsQueryDto } from '../../../src/modules/stats/dto/stats.dto.js';
import {
  addSums,
  bucketCeil,
  bucketFloor,
  bucketStarts,
  durationMs,
  EMPTY_DELTA,
  hourBucketOf,
  MAX_DURATION_MS,
  resolveStatsRange,
  runDelta,
  toCounters,
  type StatsRange,
} from '../../../src/modules/stats/stats-buckets.js';

const d = (iso: string) => new Date(iso);
const iso = (t: Date) => t.toISOString();
const NOW = d('2030-06-15T10:20:30.400Z');

describe('buckets (UTC)', () => {
  it('floors and ceils to the hour and to the UTC day', () => {
    expect(iso(bucketFloor(NOW, 'hour'))).toBe('2030-06-15T10:00:00.000Z');
    expect(iso(bucketCeil(NOW, 'hour'))).toBe('2030-06-15T11:00:00.000Z');
    expect(iso(bucketFloor(NOW, 'day'))).toBe('2030-06-15T00:00:00.000Z');
    expect(iso(bucketCeil(NOW, 'day'))).toBe('2030-06-16T00:00:00.000Z');
    const boundary = d('2030-06-15T00:00:00.000Z');
    expect(iso(bucketFloor(boundary, 'day'))).toBe(iso(boundary));
    expect(iso(bucketCeil(boundary, 'day'))).toBe(iso(boundary));
    expect(iso(bucketCeil(boundary, 'hour'))).toBe(iso(boundary));
  });

  it('puts a run in the hour of its end, whatever the offset it was reported with', () => {
    expect(iso(hourBucketOf(d('2030-03-31T01:59:59.999+02:00')))).toBe('2030-03-30T23:00:00.000Z');
    expect(iso(hourBucketOf(d('2030-12-31T23:00:00.000Z')))).toBe('2030-12-31T23:00:00.000Z');
  });

  it('lists every bucket start of [from, to)', () => {
    expect(bucketStarts(d('2030-01-01T22:00:00Z'), d('2030-01-02T01:00:00Z'), 'hour').map(iso)).toEqual([
      '2030-01-01T22:00:00.000Z',
      '2030-01-01T23:00:00.000Z',
      '2030-01-02T00:00:00.000Z',
    ]);
    expect(bucketStarts(d('2030-02-27T00:00:00Z'), d('2030-03-02T00:00:00Z'), 'day').map(iso)).toEqual([
      '2030-02-27T00:00:00.000Z',
      '2030-02-28T00:00:00.000Z',
      '2030-03-01T00:00:00.000Z',
    ]);
    expect(bucketStarts(d('2030-01-01T00:00:00Z'), d('2030-01-01T00:00:00Z'), 'hour')).toEqual([]);
  });
});

describe('resolveStatsRange', () => {
  const ok = (q: Parameters<typeof resolveStatsRange>[0]) => {
    const r = resolveStatsRange(q, NOW);
    if (Array.isArray(r)) throw new Error(JSON.stringify(r));
    return { from: iso(r.from), to: iso(r.to), bucket: r.bucket, points: bucketStarts(r.from, r.to, r.bucket).length };
  };
  const problems = (q: Parameters<typeof resolveStatsRange>[0]) => resolveStatsRange(q, NOW) as FieldProblem[];

  it('defaults to the last 24 hours, hourly, widened to whole hours', () => {
    expect(ok({})).toEqual({ from: '2030-06-14T10:00:00.000Z', to: '2030-06-15T11:00:00.000Z', bucket: 'hour', points: 25 });
    expect(ok({ to: '2030-06-15T10:00:00Z' })).toEqual({ from: '2030-06-14T10:00:00.000Z', to: '2030-06-15T10:00:00.000Z', bucket: 'hour', points: 24 });
  });

  it('day buckets default to the UTC days the last 24 hours touch', () => {
    expect(ok({ bucket: 'day' })).toEqual({ from: '2030-06-14T00:00:00.000Z', to: '2030-06-16T00:00:00.000Z', bucket: 'day', points: 2 });
  });

  it('takes from and to with any offset and rounds them out to buckets', () => {
    expect(ok({ from: '2030-06-01T05:30:00+02:00', to: '2030-06-01T06:00:00.001Z' })).toEqual({
      from: '2030-06-01T03:00:00.000Z',
      to: '2030-06-01T07:00:00.000Z',
      bucket: 'hour',
      points: 4,
    });
    expect(ok({ from: '2030-01-01', to: '2030-01-31', bucket: 'day' }).points).toBe(30);
  });

  it('allows exactly 90 days hourly and 400 days daily', () => {
    expect(ok({ from: '2030-01-01T00:00:00Z', to: '2030-04-01T00:00:00Z' }).points).toBe(90 * 24);
    expect(ok({ from: '2030-01-01T00:00:00Z', to: '2031-02-05T00:00:00Z', bucket: 'day' }).points).toBe(400);
  });

  it.each([
    [{ from: '2030-01-01T00:00:00Z', to: '2030-04-01T00:00:00.001Z' }, 'to', /at most 90 days with hour buckets \(use bucket=day/],
    [{ from: '2030-01-01T00:00:00Z', to: '2031-02-05T00:00:01Z', bucket: 'day' as const }, 'to', /at most 400 days with day buckets/],
    [{ from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' }, 'from', /must be before to/],
    [{ from: '2030-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' }, 'from', /must be before to/],
    [{ from: '2030-06-16T00:00:00Z' }, 'from', /must be before to/],
    [{ to: '1969-12-31T23:00:00Z' }, 'to', /between 1970 and 9000/],
    [{ from: '9999-01-01T00:00:00Z' }, 'from', /between 1970 and 9000/],
  ])('refuses %j at %s', (q, field, message) => {
    const p = problems(q);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ field });
    expect(p[0]!.message).toMatch(message);
  });

  it('returns a StatsRange on boundaries', () => {
    const r = resolveStatsRange({ from: '2030-06-15T10:59:59.999Z', to: '2030-06-15T11:00:00.001Z' }, NOW) as StatsRange;
    expect([iso(r.from), iso(r.to)]).toEqual(['2030-06-15T10:00:00.000Z', '2030-06-15T12:00:00.000Z']);
  });
});

describe('StatsQueryDto validation', () => {
  const pipe = createValidationPipe();
  const validate = (query: Record<string, unknown>) => pipe.transform(query, { type: 'query', metatype: StatsQueryDto });
  const fieldsOf = async (query: Record<string, unknown>) => {
    try {
      await validate(query);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      return ((error as DomainError).details as FieldProblem[]).map((p) => p.field);
    }
  };

  it('accepts the documented fields', async () => {
    expect(await validate({ app: 'billing', job: 'billing:close', from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00.000+01:00', bucket: 'day' })).toBeInstanceOf(StatsQueryDto);
    expect(await fieldsOf({})).toEqual([]);
  });

  it.each([
    [{ bucket: 'week' }, 'bucket'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2030-13-01T00:00:00Z' }, 'to'],
    [{ job: 'x'.repeat(201) }, 'job'],
    [{ app: 'x'.repeat(65) }, 'app'],
    [{ limit: '5' }, 'limit'],
  ])('refuses %j at %s', async (query, field) => {
    expect(await fieldsOf(query)).toContain(field);
  });
});

describe('what a run end adds', () => {
  const at = (s: string) => d(`2030-01-01T${s}Z`);

  it('counts the status and the duration in the hour of the end', () => {
    expect(runDelta({ status: 'SUCCEEDED', startedAt: at('09:59:58.000'), finishedAt: at('10:00:01.500') })).toEqual({
      bucketStart: at('10:00:00.000'),
      delta: { ...EMPTY_DELTA, succeeded: 1, durationMsSum: 3500, durationMsMax: 3500, durationCount: 1 },
    });
    expect(runDelta({ status: 'TIMED_OUT', startedAt: at('10:00:00.000'), finishedAt: at('10:00:00.000') })!.delta).toMatchObject({ timedOut: 1, durationCount: 1, durationMsSum: 0 });
  });

  it('has no duration without a start (skips, cancels before start, lost before start)', () => {
    for (const status of ['SKIPPED', 'CANCELLED', 'LOST'] as const) {
      const r = runDelta({ status, startedAt: null, finishedAt: at('10:30:00.000') })!;
      expect(r.delta).toEqual({ ...EMPTY_DELTA, [status === 'SKIPPED' ? 'skipped' : status === 'CANCELLED' ? 'cancelled' : 'lost']: 1 });
    }
  });

  it('ignores runs that have not ended', () => {
    for (const status of ['SCHEDULED', 'DISPATCHED', 'RUNNING'] as const) expect(runDelta({ status, startedAt: null, finishedAt: null })).toBeNull();
  });

  it('clamps durations to the column range (a skewed executor clock, a run of months)', () => {
    expect(durationMs(at('10:00:01.000'), at('10:00:00.000'))).toBe(0);
    expect(durationMs(d('2030-01-01T00:00:00Z'), d('2030-04-01T00:00:00Z'))).toBe(MAX_DURATION_MS);
    expect(durationMs(null, at('10:00:00.000'))).toBeNull();
  });

  it('turns sums into API counters: total runs, average and max over timed runs only', () => {
    const a = { ...EMPTY_DELTA, succeeded: 2, skipped: 3, durationMsSum: 3000, durationMsMax: 2000, durationCount: 2 };
    const b = { ...EMPTY_DELTA, failed: 1, lost: 1, durationMsSum: 1001, durationMsMax: 1001, durationCount: 1 };
    expect(toCounters(addSums(a, b))).toEqual({ succeeded: 2, failed: 1, timedOut: 0, cancelled: 0, lost: 1, skipped: 3, runs: 7, avgDurationMs: 1334, maxDurationMs: 2000 });
    expect(toCounters({ ...EMPTY_DELTA, skipped: 4 })).toMatchObject({ runs: 4, avgDurationMs: null, maxDurationMs: null });
  });
});
