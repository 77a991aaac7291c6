import { noopJob, startCluster, uniqueName } from '../lib/cluster.js';
import type { Scenario } from '../lib/context.js';
import { analyzeStarts } from '../lib/starts.js';
import { summarizeLateness } from '../lib/stats.js';
import { until, waitFor } from '../lib/wait.js';

const RUNS = 2_000;
const SPREAD_MS = 10_000;
const GRACE_MS = 5_000;

/** 2,000 one-off runs triggered with `runAt`, due evenly over 10 s: planned time → handler start. */
export const delayed: Scenario = {
  name: 'delayed',
  title: 'Delayed accuracy: 2,000 one-off runs due over 10 s',
  figures: [
    { key: 'p50', label: 'lateness p50 ms' },
    { key: 'p95', label: 'lateness p95 ms' },
    { key: 'p99', label: 'lateness p99 ms', target: '≤ 10' },
    { key: 'max', label: 'lateness max ms' },
    { key: 'duplicates', label: 'duplicates', target: '0' },
    { key: 'misses', label: 'misses', target: '0' },
  ],
  async run(ctx) {
    const cluster = await startCluster(ctx, { label: 'delayed', concurrency: 1_000 });
    const reps = [];
    try {
      for (let rep = 0; rep < ctx.options.repetitions; rep++) {
        const name = uniqueName('delayed');
        await cluster.api.createJob(noopJob(cluster.app.name, name, { type: 'NONE', expression: null }));
        cluster.resetStarts();
        const first = Date.now() + 2_000;
        const requests = Array.from({ length: RUNS }, (_, i) => ({ runAt: new Date(first + Math.floor((i * SPREAD_MS) / RUNS)).toISOString() }));
        const ids = new Set<string>();
        for (let i = 0; i < RUNS; i += 1_000) for (const id of await cluster.api.triggerBatch(`${cluster.app.name}:${name}`, requests.slice(i, i + 1_000))) ids.add(id);
        const include = (r: [string, string, number, number]) => ids.has(r[0]);
        await until(first + SPREAD_MS);
        await waitFor(() => analyzeStarts(cluster.starts(), { key: 'run', include }).fires >= RUNS, { timeoutMs: GRACE_MS, message: 'every run starts' }).catch(() => undefined);
        const result = analyzeStarts(cluster.starts(), { key: 'run', include });
        const lateness = summarizeLateness(result.latenessMs);
        reps.push({ ...lateness, duplicates: result.duplicates, misses: RUNS - result.fires });
        ctx.log(`  delayed rep ${rep + 1}: p99 ${lateness.p99} ms, max ${lateness.max} ms, ${result.fires}/${RUNS} started`);
      }
    } finally {
      await cluster.stop();
    }
    return { reps, setup: `${RUNS.toLocaleString('en')} runs per repetition, triggered in 2 trigger-batch calls with \`runAt\` spread evenly over ${SPREAD_MS / 1000} s starting 2 s later; 1 server node (default settings), 1 executor process.` };
  },
};
