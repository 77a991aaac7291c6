import { noopJob, startCluster, uniqueName } from '../lib/cluster.js';
import type { Scenario } from '../lib/context.js';
import { cloneJobs, disableJobs } from '../lib/jobs-sql.js';
import { analyzeStarts } from '../lib/starts.js';
import { summarizeLateness } from '../lib/stats.js';
import { until, waitFor } from '../lib/wait.js';
import { cancelBacklog, plannedFires } from '../lib/runs-sql.js';

const JOBS = 1_000;
/** Fires whose handler has not started this long after the window are counted as missed. */
const GRACE_MS = 5_000;

/** 1,000 jobs with the cron `* * * * * ?` (every second) for 30 s: planned time → handler start. */
export const cron: Scenario = {
  name: 'cron',
  title: 'Cron accuracy: 1,000 jobs firing every second',
  figures: [
    { key: 'p50', label: 'lateness p50 ms', target: '', digits: 0 },
    { key: 'p95', label: 'lateness p95 ms' },
    { key: 'p99', label: 'lateness p99 ms', target: '≤ 10' },
    { key: 'max', label: 'lateness max ms' },
    { key: 'fires', label: 'fires observed' },
    { key: 'duplicates', label: 'duplicates (a fire run twice)', target: '0' },
    { key: 'misses', label: 'misses (a planned second never recorded as a run)', target: '0' },
    { key: 'skipped', label: 'fires skipped by the misfire policy (FIRE_ONCE: later than 5 s)' },
    { key: 'notStarted', label: 'other fires recorded but not started 5 s after the window' },
  ],
  async run(ctx) {
    const seconds = ctx.options.quick ? 5 : 30;
    const cluster = await startCluster(ctx, { label: 'cron', concurrency: 1_000 });
    const reps = [];
    try {
      for (let rep = 0; rep < ctx.options.repetitions; rep++) {
        const template = await cluster.api.createJob(noopJob(cluster.app.name, uniqueName('cron-template'), { type: 'CRON', expression: '* * * * * ?' }, { enabled: false }));
        // The first fire leaves time to insert the jobs and for the trigger loop to plan ahead.
        const windowStart = Math.ceil(Date.now() / 1000) * 1000 + 4_000;
        const windowEnd = windowStart + seconds * 1000;
        cluster.resetStarts();
        const range = await cloneJobs(ctx.db, template.id, JOBS, { namePrefix: `${uniqueName('cron')}-`, nextFireAt: () => new Date(windowStart) });
        const isOurs = (jobId: string) => BigInt(jobId) >= BigInt(range.firstId) && BigInt(jobId) <= BigInt(range.lastId);
        const inWindow = (r: [string, string, number, number]) => isOurs(r[1]) && r[2] >= windowStart && r[2] < windowEnd;
        const expected = JOBS * seconds;
        await until(windowEnd);
        await waitFor(() => analyzeStarts(cluster.starts(), { key: 'fire', include: inWindow }).fires >= expected, { timeoutMs: GRACE_MS, message: 'every fire of the window starts' }).catch(() => undefined);
        await disableJobs(ctx.db, range);
        const result = analyzeStarts(cluster.starts(), { key: 'fire', include: inWindow });
        const { planned, skipped } = await plannedFires(ctx, range, windowStart, windowEnd);
        const lateness = summarizeLateness(result.latenessMs);
        reps.push({ ...lateness, fires: result.fires, duplicates: result.duplicates, misses: expected - planned, skipped, notStarted: planned - skipped - result.fires });
        ctx.log(`  cron rep ${rep + 1}: p99 ${lateness.p99} ms, max ${lateness.max} ms, ${result.fires}/${expected} fires, ${result.duplicates} duplicates`);
        await cancelBacklog(ctx, range);
      }
    } finally {
      await cluster.stop();
    }
    return { reps, setup: `${JOBS.toLocaleString('en')} jobs, cron \`* * * * * ?\`, for ${seconds} s per repetition (${(JOBS * seconds).toLocaleString('en')} fires); 1 server node (default settings: tick 1 s, lookahead 5 s, dispatch poll 200 ms), 1 executor process (concurrency 1,000). Lateness is over the fires that started by ${GRACE_MS / 1000} s after the window.` };
  },
};
