/**
 * Keeps `npm run bench` from rotting unseen: the harness end to end on a tiny scale (its own
 * database, a real server node, a real executor process, trigger-batch, the raw limits), and the
 * pure pieces that turn measurements into figures. Speed is never asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchContext } from '../src/lib/context.js';
import { createBenchDatabase, type BenchDatabase } from '../src/lib/database.js';
import { describeMachine } from '../src/lib/machine.js';
import { histogramDelta, parseHistogram, sumSeries } from '../src/lib/metrics-text.js';
import { cpuSeconds } from '../src/lib/proc-stats.js';
import { renderMarkdown, scenarioReport, fractionsOf } from '../src/lib/report.js';
import { analyzeStarts } from '../src/lib/starts.js';
import { percentile, spread, summarizeLateness } from '../src/lib/stats.js';
import { limits } from '../src/scenarios/limits.js';
import { throughput } from '../src/scenarios/throughput.js';

let db: BenchDatabase;
const lines: string[] = [];
const ctx = (): BenchContext => ({ db, options: { quick: true, scaleJobs: 10, repetitions: 1, throughputRuns: 100, limitSeconds: 0.3 }, log: (m) => lines.push(m) });

beforeAll(async () => {
  db = await createBenchDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('bench harness', () => {
  it('runs the throughput scenario end to end: server, executor, trigger-batch, every run SUCCEEDED', async () => {
    const result = await throughput.run(ctx());
    expect(result.reps).toHaveLength(1);
    const rep = result.reps[0]!;
    expect(rep.runsPerSecond).toBeGreaterThan(0);
    expect(rep.serverCpuSeconds).toBeGreaterThan(0);
    expect(rep.queriesPerRun).toBeGreaterThan(1);
    const [row] = (await db.pool.query("SELECT COUNT(*) AS n FROM runs WHERE status = 'SUCCEEDED'"))[0] as Array<{ n: number }>;
    expect(Number(row!.n)).toBe(100);
  }, 60_000);

  it('measures the raw limits and prints Baton as a fraction of them', async () => {
    const result = await limits.run(ctx());
    expect(result.reps[0]!.insertRowsPerSecond).toBeGreaterThan(0);
    expect(result.reps[0]!.socketRoundTripsPerSecond).toBeGreaterThan(0);
    const reports = [scenarioReport(limits, result), scenarioReport(throughput, { reps: [{ runsPerSecond: 50 }], setup: 'tiny' })];
    const fractions = fractionsOf(reports)!;
    expect(fractions.ofInsertRate).toBeCloseTo(50 / result.reps[0]!.insertRowsPerSecond!, 6);
    const markdown = renderMarkdown({ startedAt: 'x', finishedAt: new Date().toISOString(), mode: 'quick', repetitions: 1, scaleJobs: 10, machine: describeMachine(db.version), commit: 'test', scenarios: reports, fractions });
    expect(markdown).toContain('### The limit');
    expect(markdown).toContain('| runs/s (accepted → SUCCEEDED persisted) | 50 | 50 – 50 | ≥ 10,000 |');
  }, 30_000);
});

describe('bench figures', () => {
  it('takes nearest-rank percentiles and median with range', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 100)]).toEqual([50, 99, 100]);
    expect(summarizeLateness([5, 1, 3])).toEqual({ count: 3, p50: 3, p95: 5, p99: 5, max: 5 });
    expect(spread([3, 1, 2, Number.NaN])).toMatchObject({ median: 2, min: 1, max: 3 });
  });

  it('counts a fire started twice as a duplicate and measures lateness from its first start', () => {
    const starts: Array<[string, string, number, number]> = [['r1', 'j1', 1000, 1004], ['r1', 'j1', 1000, 1500], ['r2', 'j1', 2000, 2001], ['r3', 'j2', 1000, 1010]];
    expect(analyzeStarts(starts, { key: 'fire', include: () => true })).toEqual({ latenessMs: [4, 1, 10], duplicates: 1, fires: 3 });
    expect(analyzeStarts(starts, { key: 'run', include: (r) => r[1] === 'j1' }).fires).toBe(2);
  });

  it('reads histogram deltas and counter sums from the Prometheus text', () => {
    const scrape = (fast: number, slow: number) => [
      `baton_trigger_tick_seconds_bucket{le="0.005"} ${fast}`,
      `baton_trigger_tick_seconds_bucket{le="0.1"} ${fast + slow}`,
      `baton_trigger_tick_seconds_bucket{le="+Inf"} ${fast + slow}`,
      `baton_trigger_tick_seconds_sum ${fast * 0.001 + slow * 0.05}`,
      `baton_trigger_tick_seconds_count ${fast + slow}`,
      `baton_db_query_seconds_count{kind="select"} ${fast}`,
      `baton_db_query_seconds_count{kind="update"} ${slow}`,
    ].join('\n');
    const delta = histogramDelta(parseHistogram(scrape(2, 0), 'baton_trigger_tick_seconds'), parseHistogram(scrape(4, 1), 'baton_trigger_tick_seconds'));
    expect(delta).toEqual({ count: 3, meanSeconds: expect.closeTo((0.002 + 0.05) / 3, 9), maxAtMostSeconds: 0.1 });
    expect(sumSeries(scrape(4, 1), 'baton_db_query_seconds_count')).toBe(5);
  });

  it('reads CPU seconds of a process from /proc', () => {
    expect(cpuSeconds(process.pid)).toBeGreaterThan(0);
  });
});
