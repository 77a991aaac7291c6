import { CpuMeter, databasePid } from '../lib/proc-stats.js';
import { noopJob, startCluster, uniqueName } from '../lib/cluster.js';
import type { Scenario } from '../lib/context.js';
import { sumSeries } from '../lib/metrics-text.js';
import { waitFor } from '../lib/wait.js';

const BATCH = 1_000;
/** trigger-batch calls in flight at once. */
const CALLS_IN_FLIGHT = 4;

/** N API-triggered no-op runs, from the first trigger call to the last result persisted. */
export const throughput: Scenario = {
  name: 'throughput',
  title: 'Throughput: API-triggered no-op runs, accepted → result persisted',
  figures: [
    { key: 'runsPerSecond', label: 'runs/s (accepted → SUCCEEDED persisted)', target: '≥ 10,000' },
    { key: 'acceptPerSecond', label: 'runs/s accepted by trigger-batch' },
    { key: 'serverCpuSeconds', label: 'server CPU s', digits: 2 },
    { key: 'executorCpuSeconds', label: 'executor CPU s', digits: 2 },
    { key: 'databaseCpuSeconds', label: 'MariaDB CPU s', digits: 2 },
    { key: 'benchCpuSeconds', label: 'bench driver CPU s', digits: 2 },
    { key: 'serverCpuMsPerRun', label: 'server CPU ms per run', digits: 2 },
    { key: 'queriesPerRun', label: 'SQL statements per run (server)', digits: 1 },
  ],
  async run(ctx) {
    const runs = ctx.options.throughputRuns ?? (ctx.options.quick ? 1_000 : 10_000);
    const cluster = await startCluster(ctx, { label: 'tput', concurrency: 1_000 });
    const reps = [];
    try {
      for (let rep = 0; rep < ctx.options.repetitions; rep++) {
        const name = uniqueName('tput');
        const job = await cluster.api.createJob(noopJob(cluster.app.name, name, { type: 'NONE', expression: null }));
        const key = `${cluster.app.name}:${name}`;
        const server = cluster.nodes[0]!;
        const queriesBefore = sumSeries(await server.api.metrics(), 'baton_db_query_seconds_count');
        // On SQLite the database works inside the server process: its CPU is the server's.
        const cpu = new CpuMeter({ server: server.pid, executor: cluster.executors[0]!.pid, database: ctx.db.engine === 'mysql' ? databasePid() : undefined });
        const benchCpu = process.cpuUsage();
        const started = performance.now();
        let next = 0;
        const caller = async () => {
          while (next < runs) {
            const count = Math.min(BATCH, runs - next);
            next += count;
            await cluster.api.triggerBatch(key, Array.from({ length: count }, () => ({})));
          }
        };
        await Promise.all(Array.from({ length: CALLS_IN_FLIGHT }, caller));
        const accepted = performance.now();
        await waitFor(async () => {
          const [row] = await ctx.db.select<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE job_id = ? AND status = 'SUCCEEDED'", [job.id]);
          return Number(row!.n) >= runs;
        }, { timeoutMs: 300_000, intervalMs: 20, message: `${runs} runs succeed` });
        const seconds = (performance.now() - started) / 1000;
        const used = cpu.read();
        const queries = sumSeries(await server.api.metrics(), 'baton_db_query_seconds_count') - queriesBefore;
        const bench = process.cpuUsage(benchCpu);
        reps.push({
          runsPerSecond: runs / seconds,
          acceptPerSecond: runs / ((accepted - started) / 1000),
          serverCpuSeconds: used.server!,
          executorCpuSeconds: used.executor!,
          ...(ctx.db.engine === 'mysql' ? { databaseCpuSeconds: used.database ?? Number.NaN } : {}),
          benchCpuSeconds: (bench.user + bench.system) / 1e6,
          serverCpuMsPerRun: (used.server! * 1000) / runs,
          queriesPerRun: queries / runs,
        });
        ctx.log(`  throughput rep ${rep + 1}: ${Math.round(runs / seconds)} runs/s over ${runs} runs`);
      }
    } finally {
      await cluster.stop();
    }
    const embedded = ctx.db.engine === 'sqlite' ? ' The SQLite engine runs inside the server process, so its CPU is part of the server\'s.' : '';
    return { reps, setup: `${runs.toLocaleString('en')} runs per repetition, trigger-batch calls of ${BATCH} (${CALLS_IN_FLIGHT} in flight); 1 server node (default settings), 1 executor process (concurrency 1,000), job blockStrategy PARALLEL.${embedded}` };
  },
};
