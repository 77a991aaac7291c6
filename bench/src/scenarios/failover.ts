import { noopJob, startCluster, uniqueName } from '../lib/cluster.js';
import type { Scenario } from '../lib/context.js';
import { cloneJobs, disableJobs } from '../lib/jobs-sql.js';
import { FAST_CLUSTER_ENV } from '../lib/processes.js';
import type { StartRecord } from '../lib/processes.js';
import { plannedFires } from '../lib/runs-sql.js';
import { analyzeStarts } from '../lib/starts.js';
import { until, waitFor } from '../lib/wait.js';

const TTL_MS = Number(FAST_CLUSTER_ENV.LEADER_LEASE_TTL_MS);
/** Fires planned up to this long after the kill are checked for losses and duplicates. */
const AFTER_KILL_MS = 10_000;
const GRACE_MS = 10_000;

/** Two nodes under a steady cron load; SIGKILL the leader and watch the fires. */
export const failover: Scenario = {
  name: 'failover',
  title: `Failover: SIGKILL the leader under load (lease TTL ${TTL_MS / 1000} s)`,
  severalNodes: true,
  figures: [
    { key: 'takeoverMs', label: 'kill → other node leads, ms' },
    { key: 'nextFireMs', label: 'kill → next fire starts, ms', target: `≤ ${TTL_MS + 1000} (TTL + 1 s)` },
    { key: 'maxLatenessMs', label: 'worst lateness of a fire around the kill, ms' },
    { key: 'lost', label: 'lost fires (a planned second never recorded as a run)', target: '0' },
    { key: 'skipped', label: 'fires skipped by the misfire policy (FIRE_ONCE: later than 5 s)' },
    { key: 'notStarted', label: 'other fires recorded but not started 10 s after the window' },
    { key: 'duplicates', label: 'duplicated fires', target: '0' },
    { key: 'extraTerms', label: 'leader changes besides the failover (flapping)', target: '0' },
    { key: 'stalled', label: 'repetitions with no fire 30 s after the kill' },
  ],
  async run(ctx) {
    const jobs = ctx.options.quick ? 100 : 200;
    const reps = [];
    for (let rep = 0; rep < ctx.options.repetitions; rep++) {
      const cluster = await startCluster(ctx, { label: 'failover', nodes: 2, env: FAST_CLUSTER_ENV, concurrency: 1_000 });
      try {
        const template = await cluster.api.createJob(noopJob(cluster.app.name, uniqueName('fo-template'), { type: 'CRON', expression: '* * * * * ?' }, { enabled: false }));
        const firstEpoch = Number((await cluster.api.cluster()).leader?.epoch ?? Number.NaN);
        const windowStart = Math.ceil(Date.now() / 1000) * 1000 + 3_000;
        const range = await cloneJobs(ctx.db, template.id, jobs, { namePrefix: `${uniqueName('fo')}-`, nextFireAt: () => new Date(windowStart) });
        const isOurs = (r: StartRecord) => BigInt(r[1]) >= BigInt(range.firstId) && BigInt(r[1]) <= BigInt(range.lastId);
        // Three seconds of steady load, then kill the leader in the middle of a second.
        await until(windowStart + 3_500);
        const { leader } = await waitFor(async () => {
          const state = await cluster.api.cluster();
          return state.leader ? state : null;
        }, { timeoutMs: 30_000, message: 'a leader' });
        const victim = cluster.nodes.find((n) => n.nodeId === leader!.nodeId);
        const survivor = cluster.nodes.find((n) => n.nodeId !== leader!.nodeId);
        if (!victim || !survivor) throw new Error(`leader ${leader!.nodeId} is not one of the bench's nodes`);
        const killedAt = Date.now();
        await victim.kill('SIGKILL');
        const takeover = await waitFor(async () => {
          const state = await survivor.api.cluster().catch(() => null);
          return state?.leader?.nodeId === survivor.nodeId ? Date.now() : 0;
        }, { timeoutMs: 30_000, intervalMs: 20, message: 'the surviving node takes over' }).catch(() => Number.NaN);
        const next = await waitFor(() => {
          const after = cluster.starts().filter((r) => isOurs(r) && r[2] > killedAt);
          return after.length ? Math.min(...after.map((r) => r[3])) : 0;
        }, { timeoutMs: 30_000, intervalMs: 20, message: 'a fire planned after the kill starts' }).catch(() => Number.NaN);
        const windowEnd = Math.ceil((killedAt + AFTER_KILL_MS) / 1000) * 1000;
        const inWindow = (r: StartRecord) => isOurs(r) && r[2] >= windowStart && r[2] < windowEnd;
        const expected = (jobs * (windowEnd - windowStart)) / 1000;
        await until(windowEnd);
        await waitFor(() => analyzeStarts(cluster.starts(), { key: 'fire', include: inWindow }).fires >= expected, { timeoutMs: GRACE_MS, message: 'every fire starts' }).catch(() => undefined);
        await disableJobs(ctx.db, range);
        const result = analyzeStarts(cluster.starts(), { key: 'fire', include: inWindow });
        const { planned, skipped } = await plannedFires(ctx, range, windowStart, windowEnd);
        const finalEpoch = Number((await survivor.api.cluster()).leader?.epoch ?? Number.NaN);
        const figures = {
          takeoverMs: takeover - killedAt,
          nextFireMs: next - killedAt,
          maxLatenessMs: Math.max(...result.latenessMs),
          lost: expected - planned,
          skipped,
          notStarted: planned - skipped - result.fires,
          duplicates: result.duplicates,
          // Epochs before the kill beyond the first term, and after it beyond the one takeover.
          extraTerms: Number(leader!.epoch) - firstEpoch + (finalEpoch - Number(leader!.epoch) - 1),
          stalled: Number.isNaN(next) ? 1 : 0,
        };
        reps.push(figures);
        ctx.log(`  failover rep ${rep + 1}: takeover ${figures.takeoverMs} ms, next fire ${figures.nextFireMs} ms, ${figures.lost} lost, ${figures.duplicates} duplicated`);
      } finally {
        await cluster.stop();
      }
    }
    return { reps, setup: `2 server nodes with LEADER_LEASE_TTL_MS=${TTL_MS} (renewed every TTL / 3; other settings default), ${jobs} jobs firing every second, 1 executor process connected to both; the leader is SIGKILLed 3.5 s into the load. Lost and duplicated fires are counted over the planned seconds from the start of the load to 10 s after the kill.` };
  },
};
