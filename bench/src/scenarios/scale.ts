import { noopJob, startCluster, uniqueName } from '../lib/cluster.js';
import type { Scenario } from '../lib/context.js';
import { cloneJobs } from '../lib/jobs-sql.js';
import { histogramDelta, parseHistogram } from '../lib/metrics-text.js';
import { cpuSeconds, rssMiB } from '../lib/proc-stats.js';
import { until, waitFor } from '../lib/wait.js';

const DAY_MS = 86_400_000;
const TICK = 'baton_trigger_tick_seconds';

/**
 * Many enabled jobs that are not due (daily FIXED_RATE schedules whose first fires are spread over
 * the day after next hour): what the leader costs while it idles over them.
 */
export const scale: Scenario = {
  name: 'scale',
  title: 'Scale: enabled jobs, leader idle',
  figures: [
    { key: 'cpuPercent', label: 'leader CPU % of one core', target: '< 5 (1M jobs)', digits: 1 },
    { key: 'rssMiB', label: 'leader RSS MiB', target: '< 512' },
    { key: 'ticks', label: 'trigger ticks in the window' },
    { key: 'tickMeanMs', label: 'tick mean ms', digits: 1 },
    { key: 'tickMaxMs', label: 'longest tick ≤ ms (histogram bucket)', target: '≤ 100' },
  ],
  async run(ctx) {
    const jobs = ctx.options.scaleJobs;
    const windowMs = ctx.options.quick ? 5_000 : 15_000;
    const cluster = await startCluster(ctx, { label: 'scale', executors: 0 });
    const reps = [];
    let insertSeconds = 0;
    try {
      const template = await cluster.api.createJob(noopJob(cluster.app.name, uniqueName('scale-template'), { type: 'FIXED_RATE', expression: 'P1D' }, { enabled: false }));
      const firstFire = Date.now() + 3_600_000;
      const started = performance.now();
      await cloneJobs(ctx.db, template.id, jobs, { namePrefix: `${uniqueName('scale')}-`, nextFireAt: (i) => new Date(firstFire + Math.floor((i * DAY_MS) / jobs)) });
      insertSeconds = (performance.now() - started) / 1000;
      ctx.log(`  scale: inserted ${jobs.toLocaleString('en')} jobs in ${insertSeconds.toFixed(1)} s`);
      const leader = cluster.nodes[0]!;
      // Warm up: a few ticks over the full table before measuring.
      const warm = parseHistogram(await leader.api.metrics(), TICK).count;
      await waitFor(async () => parseHistogram(await leader.api.metrics(), TICK).count >= warm + 3, { timeoutMs: 30_000, intervalMs: 200, message: 'the trigger loop ticks' });
      for (let rep = 0; rep < ctx.options.repetitions; rep++) {
        const before = parseHistogram(await leader.api.metrics(), TICK);
        const cpuBefore = cpuSeconds(leader.pid);
        const t0 = performance.now();
        await until(Date.now() + windowMs);
        const cpu = cpuSeconds(leader.pid) - cpuBefore;
        const elapsed = (performance.now() - t0) / 1000;
        const tick = histogramDelta(before, parseHistogram(await leader.api.metrics(), TICK));
        const figures = { cpuPercent: (cpu / elapsed) * 100, rssMiB: rssMiB(leader.pid), ticks: tick.count, tickMeanMs: tick.meanSeconds * 1000, tickMaxMs: tick.maxAtMostSeconds * 1000 };
        reps.push(figures);
        ctx.log(`  scale rep ${rep + 1}: CPU ${figures.cpuPercent.toFixed(1)} %, RSS ${figures.rssMiB.toFixed(0)} MiB, ${tick.count} ticks, longest ≤ ${figures.tickMaxMs} ms`);
      }
    } finally {
      await cluster.stop();
      // The jobs would weigh on nothing else (this scenario runs last), but the database is dropped anyway.
    }
    return { reps, setup: `${jobs.toLocaleString('en')} enabled jobs (FIXED_RATE P1D, first fires spread over the day after next hour), inserted with batched SQL in ${insertSeconds.toFixed(0)} s; 1 server node (default settings, metrics scraped by the bench twice per window), no executor; ${windowMs / 1000} s windows after 3 warm-up ticks. CPU and RSS from /proc; ticks from the \`baton_trigger_tick_seconds\` histogram (its buckets bound the longest).` };
  },
};
