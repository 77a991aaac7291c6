import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RunStatsRepository } from '../../src/modules/stats/run-stats.repository.js';
import { EMPTY_DELTA, type RollupDelta } from '../../src/modules/stats/stats-buckets.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { TEST_ENGINES } from '../support/test-database.js';

const HOUR = 3_600_000;
const H0 = new Date('2026-11-21T10:00:00.000Z');
const hour = (n: number) => new Date(H0.getTime() + n * HOUR);
const delta = (d: Partial<RollupDelta>): RollupDelta => ({ ...EMPTY_DELTA, ...d });
/** One run that ended after `ms` milliseconds in `status`'s counter. */
const ended = (counter: keyof RollupDelta, ms: number): RollupDelta => delta({ [counter]: 1, durationMsSum: ms, durationMsMax: ms, durationCount: 1 });

// Rollups are written by upsert-with-increment, one statement per run end; /stats sums them.
describe.each(TEST_ENGINES)('RunStatsRepository on %s', (engine) => {
  let e: EngineDatabase;
  let stats: RunStatsRepository;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'run_stats');
    stats = new RunStatsRepository(e.dataSource);
  });
  afterAll(async () => e?.close());
  beforeEach(async () => {
    await e.dataSource.query('DELETE FROM run_stats_hourly');
  });

  const rows = () =>
    e.dataSource.query('SELECT job_id, bucket_start, app_id, succeeded, failed, duration_ms_sum, duration_ms_max, duration_count FROM run_stats_hourly ORDER BY job_id, bucket_start');

  it('adds each end into the row of its job and hour, creating the row on first use', async () => {
    await stats.increment('1', '10', hour(0), ended('succeeded', 200));
    await stats.increment('1', '10', hour(0), ended('failed', 500));
    await stats.increment('1', '10', hour(1), ended('succeeded', 50));
    await stats.increment('2', '10', hour(0), delta({ skipped: 1 }));

    const found = await rows();
    expect(found.map((r: Record<string, unknown>) => [String(r.job_id), (r.bucket_start as Date).toISOString(), Number(r.succeeded), Number(r.failed)])).toEqual([
      ['1', hour(0).toISOString(), 1, 1],
      ['1', hour(1).toISOString(), 1, 0],
      ['2', hour(0).toISOString(), 0, 0],
    ]);
    const first = found[0];
    expect([Number(first.duration_ms_sum), Number(first.duration_ms_max), Number(first.duration_count)]).toEqual([700, 500, 2]);
  });

  it('counts every one of many concurrent increments of the same bucket', async () => {
    const n = 40;
    await Promise.all(Array.from({ length: n }, (_, i) => stats.increment('3', '10', hour(2), ended(i % 4 === 0 ? 'failed' : 'succeeded', 10 * (i + 1)))));
    const [row] = await rows();
    expect(Number(row.succeeded) + Number(row.failed)).toBe(n);
    expect(Number(row.failed)).toBe(n / 4);
    expect(Number(row.duration_count)).toBe(n);
    expect(Number(row.duration_ms_sum)).toBe((10 * n * (n + 1)) / 2);
    expect(Number(row.duration_ms_max)).toBe(10 * n);
  });

  it('keeps the largest duration whatever order the ends arrive in', async () => {
    for (const ms of [300, 9_000, 20]) await stats.increment('4', '10', hour(0), ended('succeeded', ms));
    const [row] = await rows();
    expect(Number(row.duration_ms_max)).toBe(9_000);
  });

  it('sums a range of hour buckets, [from, to), oldest first, times exact to the millisecond', async () => {
    await stats.increment('1', '10', hour(-1), ended('succeeded', 1)); // before the range
    await stats.increment('1', '10', hour(0), ended('succeeded', 100));
    await stats.increment('2', '20', hour(0), ended('failed', 300));
    await stats.increment('1', '10', hour(2), ended('lost', 7));
    await stats.increment('1', '10', hour(3), ended('succeeded', 1)); // at `to`: excluded

    const series = await stats.series({}, { from: hour(0), to: hour(3), bucket: 'hour' });
    expect(series.map((b) => b.at)).toEqual([hour(0), hour(2)]);
    expect(series[0]).toMatchObject({ succeeded: 1, failed: 1, durationMsSum: 400, durationMsMax: 300, durationCount: 2 });
    expect(series[1]).toMatchObject({ lost: 1, durationMsSum: 7 });
  });

  it('groups hours into UTC days', async () => {
    await stats.increment('1', '10', new Date('2026-11-21T00:00:00.000Z'), ended('succeeded', 10));
    await stats.increment('1', '10', new Date('2026-11-21T23:00:00.000Z'), ended('failed', 30));
    await stats.increment('2', '10', new Date('2026-11-22T05:00:00.000Z'), ended('succeeded', 5));

    const series = await stats.series({}, { from: new Date('2026-11-20T00:00:00.000Z'), to: new Date('2026-11-23T00:00:00.000Z'), bucket: 'day' });
    expect(series.map((b) => b.at.toISOString())).toEqual(['2026-11-21T00:00:00.000Z', '2026-11-22T00:00:00.000Z']);
    expect(series[0]).toMatchObject({ succeeded: 1, failed: 1, durationMsSum: 40, durationMsMax: 30, durationCount: 2 });
    expect(series[1]).toMatchObject({ succeeded: 1, durationCount: 1 });
  });

  it('narrows to a job, an app, or a set of apps (none: nothing)', async () => {
    await stats.increment('1', '10', hour(0), ended('succeeded', 1));
    await stats.increment('2', '10', hour(0), ended('failed', 1));
    await stats.increment('3', '20', hour(0), ended('lost', 1));
    await stats.increment('4', '30', hour(0), ended('skipped', 1));
    const range = { from: hour(0), to: hour(1), bucket: 'hour' as const };
    const totals = async (filter: Parameters<RunStatsRepository['series']>[0]) =>
      (await stats.series(filter, range)).map((b) => [b.succeeded, b.failed, b.lost, b.skipped]);

    expect(await totals({ jobId: '2' })).toEqual([[0, 1, 0, 0]]);
    expect(await totals({ appId: '10' })).toEqual([[1, 1, 0, 0]]);
    expect(await totals({ appIds: ['20', '30'] })).toEqual([[0, 0, 1, 1]]);
    expect(await totals({ appIds: [] })).toEqual([]);
    expect(await totals({})).toEqual([[1, 1, 1, 1]]);
  });
});
