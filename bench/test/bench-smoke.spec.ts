/**
 * Keeps `npm run bench` from rotting unseen: the harness end to end on a tiny scale on both
 * engines (its own database, a real server node, a real executor process, trigger-batch, the
 * bench's own SQL, the raw limits), and the pure pieces that turn measurements into figures.
 * Speed is never asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchContext } from '../src/lib/context.js';
import { createBenchDatabase, type BenchDatabase } from '../src/lib/database.js';
import { describeMachine } from '../src/lib/machine.js';
import { histogramDelta, parseHistogram, sumSeries } from '../src/lib/metrics-text.js';
import { cpuSeconds } from '../src/lib/proc-stats.js';
import { cloneJobs, disableJobs } from '../src/lib/jobs-sql.js';
import { notApplicableReport, renderMarkdown, scenarioReport, fractionsOf } from '../src/lib/report.js';
import { cancelBacklog, plannedFires } from '../src/lib/runs-sql.js';
import { analyzeStarts } from '../src/lib/starts.js';
import { percentile, spread, summarizeLateness } from '../src/lib/stats.js';
import { failover } from '../src/scenarios/failover.js';
import { limits } from '../src/scenarios/limits.js';
import { throughput } from '../src/scenarios/throughput.js';

const lines: string[] = [];

describe.each(['mysql', 'sqlite'] as const)('bench harness on %s', (engine) => {
  let db: BenchDatabase;
  const ctx = (): BenchContext => ({ db, options: { quick: true, scaleJobs: 10, repetitions: 1, throughputRuns: 100, limitSeconds: 0.3 }, log: (m) => lines.push(m) });

  beforeAll(async () => {
    db = await createBenchDatabase(engine);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('runs the throughput scenario end to end: server, executor, trigger-batch, every run SUCCEEDED', async () => {
    const result = await throughput.run(ctx());
    expect(result.reps).toHaveLength(1);
    const rep = result.reps[0]!;
    expect(rep.runsPerSecond).toBeGreaterThan(0);
    expect(rep.serverCpuSeconds).toBeGreaterThan(0);
    expect(rep.queriesPerRun).toBeGreaterThan(1);
    // On SQLite the database is the server process: no separate database CPU figure.
    expect('databaseCpuSeconds' in rep).toBe(engine === 'mysql');
    const [row] = await db.select<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE status = 'SUCCEEDED'");
    expect(Number(row!.n)).toBe(100);
  }, 60_000);

  it('clones jobs, counts planned fires and cancels a backlog with the same SQL on the engine', async () => {
    // The throughput run above left the server's schema and one job behind.
    const [job] = await db.select<{ id: number | string; created_at: Date }>('SELECT id, created_at FROM jobs ORDER BY id LIMIT 1');
    expect(job!.created_at).toBeInstanceOf(Date);
    const range = await cloneJobs(db, String(job!.id), 3, { namePrefix: 'smoke-', nextFireAt: () => new Date(Date.UTC(2030, 0, 1)) });
    expect(BigInt(range.lastId) - BigInt(range.firstId)).toBe(2n);
    const fire = new Date(Date.UTC(2030, 0, 1, 0, 0, 1));
    const run = (jobId: string, status: string) => db.write("INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, fire_time, shard_index, created_at, updated_at) SELECT id, app_id, 'CRON', ?, ?, ?, ?, ?, ? FROM jobs WHERE id = ?", [status, fire, fire, status === 'SKIPPED' ? 1 : 0, fire, fire, jobId]);
    await run(range.firstId, 'SCHEDULED');
    await run(range.firstId, 'SKIPPED');
    await run(range.lastId, 'SCHEDULED');
    expect(await plannedFires(ctx(), range, fire.getTime(), fire.getTime() + 1000)).toEqual({ planned: 2, skipped: 1 });
    await cancelBacklog(ctx(), range);
    const [open] = await db.select<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE status = 'SCHEDULED' AND job_id BETWEEN ? AND ?", [range.firstId, range.lastId]);
    expect(Number(open!.n)).toBe(0);
    await disableJobs(db, range);
    const [enabled] = await db.select<{ n: number }>('SELECT COUNT(*) AS n FROM jobs WHERE enabled = 1 AND id BETWEEN ? AND ?', [range.firstId, range.lastId]);
    expect(Number(enabled!.n)).toBe(0);
  });

  it('measures the raw limits and prints Baton as a fraction of them', async () => {
    const result = await limits.run(ctx());
    expect(result.reps[0]!.insertRowsPerSecond).toBeGreaterThan(0);
    expect(result.reps[0]!.socketRoundTripsPerSecond).toBeGreaterThan(0);
    const reports = [scenarioReport(limits, result), scenarioReport(throughput, { reps: [{ runsPerSecond: 50 }], setup: 'tiny' })];
    const fractions = fractionsOf(reports)!;
    expect(fractions.ofInsertRate).toBeCloseTo(50 / result.reps[0]!.insertRowsPerSecond!, 6);
    const markdown = renderMarkdown({ engine, startedAt: 'x', finishedAt: new Date().toISOString(), mode: 'quick', repetitions: 1, scaleJobs: 10, machine: describeMachine(db.description), commit: 'test', scenarios: reports, fractions });
    expect(markdown).toContain(engine === 'mysql' ? '### The limit: raw MariaDB' : '### The limit: raw SQLite');
    expect(markdown).toContain(db.description);
    expect(markdown).toContain('| runs/s (accepted → SUCCEEDED persisted) | 50 | 50 – 50 | ≥ 10,000 |');
  }, 30_000);
});

describe('bench report', () => {
  it('says why a scenario was not run on the engine instead of leaving it out', () => {
    const report = notApplicableReport(failover, 'n/a on the embedded engine (one node)');
    const markdown = renderMarkdown({ engine: 'sqlite', startedAt: 'x', finishedAt: new Date().toISOString(), mode: 'full', repetitions: 3, scaleJobs: 10, machine: describeMachine('SQLite 3'), commit: 'test', scenarios: [report], fractions: null });
    expect(markdown).toContain(`### ${failover.title}\n\nNot run: n/a on the embedded engine (one node).`);
    expect(failover.severalNodes).toBe(true);
  });
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
