import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { AppWithTokenDto, ClusterDto, JobDto, RunDto, RunLogPage } from '@baton/protocol';
import { uniqueName } from '../support/builders.js';
import { stopAll } from '../support/child-process.js';
import { startExecutorProcess, type ExecutorProcess } from '../support/executor-process.js';
import { waitFor } from '../support/poll.js';
import { maxOverlap, runsOfJob } from '../support/runs.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { FAST_CLUSTER_ENV } from '../support/e2e-env.js';

// One real server process and real executor processes (the SDK's demo executor), with short
// intervals so leases, kills and timeouts play out within seconds.
const SERVER_ENV = { ...FAST_CLUSTER_ENV, RUN_LEASE_MS: '3000', KILL_GRACE_MS: '1500' };

let db: TestDatabase;
let server: ServerProcess;
const executors: ExecutorProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase('dispatch');
  server = await startServerProcess({ databaseUrl: db.url, nodeId: 'dispatch-1', env: SERVER_ENV });
  await waitFor(async () => (await server.api.get<ClusterDto>('/cluster')).body.leader, { message: 'a leader' });
});
afterAll(async () => {
  await stopAll(executors);
  await stopAll([server]);
  await db?.drop();
});

const api = () => server.api;

async function newApp(): Promise<AppWithTokenDto> {
  const res = await api().post('/apps', { name: uniqueName('app') });
  expect(res.status).toBe(201);
  return res.body;
}

async function executor(app: AppWithTokenDto, concurrency = 8): Promise<ExecutorProcess> {
  const e = await startExecutorProcess({ servers: [server.url], app: app.name, token: app.token, concurrency });
  executors.push(e);
  return e;
}

async function job(app: AppWithTokenDto, body: Record<string, unknown>): Promise<JobDto> {
  const res = await api().post('/jobs', { app: app.name, name: uniqueName('job'), handler: 'demo.hello', schedule: { type: 'FIXED_RATE', expression: 'PT1S' }, blockStrategy: 'PARALLEL', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const once = (delayMs = 300) => ({ type: 'ONCE', expression: new Date(Date.now() + delayMs).toISOString() });

/** The job's first `count` runs, once every one of them has ended. */
async function finishedRuns(jobId: string, count: number, timeoutMs = 20_000): Promise<RunDto[]> {
  return waitFor(
    async () => {
      const runs = (await runsOfJob(api(), jobId)).slice(0, count);
      return runs.length === count && runs.every((r) => r.finishedAt) ? runs : null;
    },
    { timeoutMs, message: `${count} finished runs of job ${jobId}` },
  );
}

async function runWhere(jobId: string, pred: (r: RunDto) => boolean, message: string, timeoutMs = 15_000): Promise<RunDto> {
  return waitFor(async () => (await runsOfJob(api(), jobId)).find(pred), { timeoutMs, message });
}

describe('routing strategies over three live executors', () => {
  let app: AppWithTokenDto;
  let e: ExecutorProcess[];

  beforeAll(async () => {
    app = await newApp();
    // Started one after another, so their registration order (FIRST … LAST) is known.
    e = [];
    for (let i = 0; i < 3; i++) e.push(await executor(app));
  });

  it('routes quick runs by each strategy', { timeout: 60_000 }, async () => {
    const strategies = ['FIRST', 'LAST', 'FAILOVER', 'CONSISTENT_HASH', 'ROUND_ROBIN', 'LEAST_RECENTLY_USED', 'LEAST_FREQUENTLY_USED', 'RANDOM'] as const;
    const jobs = new Map<string, JobDto>();
    for (const s of strategies) jobs.set(s, await job(app, { routeStrategy: s }));
    const seq = new Map<string, string[]>();
    const trace: string[] = [];
    for (const [s, j] of jobs) {
      const runs = await finishedRuns(j.id, s === 'RANDOM' ? 10 : 6);
      await api().post(`/jobs/${j.id}/disable`);
      trace.push(`${s}: ${runs.map((r) => `${e.findIndex((x) => x.instanceId === r.executorId)}/${r.status}/d${r.dispatchCount}`).join(' ')}`);
      for (const r of runs.filter((x) => x.status !== 'SUCCEEDED')) trace.push(`  run ${r.id}: ${JSON.stringify(r)}`);
      seq.set(s, runs.map((r) => r.executorId!));
    }
    // On failure, the whole picture: instance index / status / dispatch count of each run.
    const why = trace.join('\n');
    if (/\/(?!SUCCEEDED\/)[A-Z_]+\/d/.test(why)) console.log(`ROUTING TRACE\n${why}\nSERVER ERRORS\n${server.output().split('\n').filter((l) => /ERROR|Error/.test(l)).join('\n')}`);
    expect(why, 'every run SUCCEEDED').not.toMatch(/\/(?!SUCCEEDED\/)[A-Z_]+\/d/);
    const [e1, , e3] = e.map((x) => x.instanceId);
    expect(new Set(seq.get('FIRST')), why).toEqual(new Set([e1]));
    expect(new Set(seq.get('LAST')), why).toEqual(new Set([e3]));
    expect(new Set(seq.get('FAILOVER')), why).toEqual(new Set([e1]));
    expect(new Set(seq.get('CONSISTENT_HASH')).size, why).toBe(1);
    for (const s of ['ROUND_ROBIN', 'LEAST_RECENTLY_USED']) {
      const order = seq.get(s)!.slice(0, 6);
      expect(new Set(order).size, `${s}\n${why}`).toBe(3);
      expect(order.slice(3), `${s} repeats its cycle\n${why}`).toEqual(order.slice(0, 3));
    }
    const lfu = seq.get('LEAST_FREQUENTLY_USED')!.slice(0, 6);
    expect(e.map((x) => lfu.filter((id) => id === x.instanceId).length), why).toEqual([2, 2, 2]);
    expect(new Set(seq.get('RANDOM')).size, why).toBeGreaterThan(1);
  });

  it('BUSYOVER sends each run to an idle executor, never to a busy one', { timeout: 30_000 }, async () => {
    const j = await job(app, { routeStrategy: 'BUSYOVER', handler: 'demo.slow', params: { ms: 2200 } });
    const runs = await finishedRuns(j.id, 4);
    await api().post(`/jobs/${j.id}/disable`);
    expect(new Set(runs.map((r) => r.executorId)).size).toBeGreaterThan(1);
    for (const inst of e) expect(maxOverlap(runs.filter((r) => r.executorId === inst.instanceId)), inst.instanceId).toBeLessThanOrEqual(1);
  });

  it('LEAST_LOADED spreads overlapping runs over the instances', { timeout: 30_000 }, async () => {
    const j = await job(app, { routeStrategy: 'LEAST_LOADED', handler: 'demo.slow', params: { ms: 2200 } });
    const runs = await finishedRuns(j.id, 4);
    await api().post(`/jobs/${j.id}/disable`);
    expect(new Set(runs.slice(0, 3).map((r) => r.executorId)).size).toBe(3);
  });

  it('SHARDING_BROADCAST runs one shard on every live instance', { timeout: 30_000 }, async () => {
    const j = await job(app, { routeStrategy: 'SHARDING_BROADCAST', handler: 'demo.shard', schedule: once() });
    const runs = await finishedRuns(j.id, 3);
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(runs.map((r) => r.shard).sort((a, b) => a.index - b.index)).toEqual([0, 1, 2].map((index) => ({ index, total: 3 })));
    expect(new Set(runs.map((r) => r.executorId))).toEqual(new Set(e.map((x) => x.instanceId)));
    for (const r of runs) expect(r.result).toMatchObject({ shard: { index: r.shard.index, total: 3 } });
    expect(new Set(runs.map((r) => r.fireTime)).size).toBe(1);
  });
});

describe('block strategies (a 2.2 s handler fired every second)', () => {
  let app: AppWithTokenDto;
  beforeAll(async () => {
    app = await newApp();
    await executor(app, 10);
  });
  const slowJob = (blockStrategy: string) => job(app, { blockStrategy, handler: 'demo.slow', params: { ms: 2200 } });

  it('SERIAL runs one at a time; the next waits with the reason shown', { timeout: 40_000 }, async () => {
    const j = await slowJob('SERIAL');
    await runWhere(j.id, (r) => r.status === 'SCHEDULED' && /SERIAL/.test(r.statusReason ?? ''), 'a run waiting behind another');
    const runs = await finishedRuns(j.id, 3);
    await api().post(`/jobs/${j.id}/disable`);
    expect(maxOverlap(runs.filter((r) => r.status === 'SUCCEEDED'))).toBe(1);
  });

  it('DISCARD_LATER skips runs due while one is going, saying why', { timeout: 40_000 }, async () => {
    const j = await slowJob('DISCARD_LATER');
    const skipped = await runWhere(j.id, (r) => r.status === 'SKIPPED', 'a discarded run');
    expect(skipped.statusReason).toMatch(/DISCARD_LATER/);
    await finishedRuns(j.id, 4);
    await api().post(`/jobs/${j.id}/disable`);
    expect(maxOverlap((await runsOfJob(api(), j.id)).filter((r) => r.status === 'SUCCEEDED'))).toBe(1);
  });

  it('COVER_EARLY cancels the running run for the newer one', { timeout: 40_000 }, async () => {
    const j = await slowJob('COVER_EARLY');
    const covered = await runWhere(j.id, (r) => r.status === 'CANCELLED', 'a covered run');
    await api().post(`/jobs/${j.id}/disable`);
    expect(covered.error?.message ?? covered.statusReason ?? '').toMatch(/kill|cancel|abort/i);
    // Disabling cancels the run planned ahead; the last run that started runs to its end.
    const last = await waitFor(async () => {
      const tail = (await runsOfJob(api(), j.id)).filter((r) => r.startedAt).at(-1)!;
      return tail.finishedAt ? tail : null;
    }, { message: 'the last started run ends' });
    expect(last.status).toBe('SUCCEEDED');
  });

  it('PARALLEL lets runs overlap', { timeout: 40_000 }, async () => {
    const j = await slowJob('PARALLEL');
    const runs = await finishedRuns(j.id, 3);
    await api().post(`/jobs/${j.id}/disable`);
    expect(maxOverlap(runs)).toBeGreaterThan(1);
  });
});

describe('limits, timeouts and kills', () => {
  let app: AppWithTokenDto;
  beforeAll(async () => {
    app = await newApp();
    await executor(app, 2);
  });

  it('never has more runs in flight on an instance than its concurrency', { timeout: 40_000 }, async () => {
    const j = await job(app, { handler: 'demo.slow', params: { ms: 3000 } });
    const waiting = await runWhere(j.id, (r) => r.status === 'SCHEDULED' && /busy/.test(r.statusReason ?? ''), 'a run waiting for capacity');
    expect(waiting.statusReason).toMatch(/concurrency limit/);
    const runs = await finishedRuns(j.id, 4);
    await api().post(`/jobs/${j.id}/disable`);
    expect(maxOverlap(runs)).toBe(2);
  });

  it('times a run out: its signal is aborted and it ends TIMED_OUT', { timeout: 30_000 }, async () => {
    const j = await job(app, { handler: 'demo.slow', params: { ms: 10_000 }, timeoutMs: 1000, schedule: once() });
    const [run] = await finishedRuns(j.id, 1);
    expect(run!.status).toBe('TIMED_OUT');
    expect(Date.parse(run!.finishedAt!) - Date.parse(run!.startedAt!)).toBeLessThan(3000);
  });

  it('kills a running run', { timeout: 30_000 }, async () => {
    const j = await job(app, { handler: 'demo.slow', params: { ms: 20_000 }, schedule: once() });
    const running = await runWhere(j.id, (r) => r.status === 'RUNNING', 'the run starts');
    const res = await api().post(`/runs/${running.id}/kill`);
    expect(res.status).toBe(202);
    expect(res.body.killRequestedAt).not.toBeNull();
    const [run] = await finishedRuns(j.id, 1, 10_000);
    expect(run!.status).toBe('CANCELLED');
    expect(Date.parse(run!.finishedAt!) - Date.parse(run!.killRequestedAt!)).toBeLessThan(1500);
  });

  it('ends a killed run whose handler ignores the abort after the grace period, and says so', { timeout: 30_000 }, async () => {
    const j = await job(app, { handler: 'demo.ignoreAbort', params: { ms: 20_000 }, schedule: once() });
    const running = await runWhere(j.id, (r) => r.status === 'RUNNING', 'the run starts');
    await api().post(`/runs/${running.id}/kill`);
    const [run] = await finishedRuns(j.id, 1, 10_000);
    expect(run!.status).toBe('CANCELLED');
    expect(run!.statusReason).toMatch(/ignored the abort|did not stop/);
  });

  it('cancels a run that has not started, which then never starts', { timeout: 30_000 }, async () => {
    const lonely = await newApp(); // no executor: its run waits
    const j = await job(lonely, { schedule: once() });
    const waiting = await runWhere(j.id, (r) => r.status === 'SCHEDULED' && /no executor/.test(r.statusReason ?? ''), 'the run waits for an executor');
    expect(waiting.statusReason).toBe('waiting: no executor of this app is online');
    const res = await api().post(`/runs/${waiting.id}/kill`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'CANCELLED', statusReason: 'killed before it started', dispatchedAt: null });
    await executor(lonely);
    await waitFor(async () => (await api().get(`/executors?app=${lonely.name}`)).body.length === 1, { message: 'the executor registers' });
    expect((await api().get<RunDto>(`/runs/${waiting.id}`)).body).toMatchObject({ status: 'CANCELLED', startedAt: null, dispatchCount: 0 });
  });
});

describe('logs, progress and the live console feed', () => {
  it('stores the log in order, reaches 100 % progress, and streams lines and status live', { timeout: 30_000 }, async () => {
    const app = await newApp();
    await executor(app);
    const j = await job(app, { handler: 'demo.slow', params: { ms: 1500 }, schedule: once(500) });
    const running = await runWhere(j.id, (r) => r.status === 'RUNNING' || r.status === 'DISPATCHED', 'the run is sent');

    const { cookie } = await api().signIn();
    const socket = io(`${server.url}/console`, { transports: ['websocket'], extraHeaders: { cookie } });
    const lines: string[] = [];
    const statuses: string[] = [];
    socket.on('run.logs.v1', (msg: { chunks: Array<{ lines: Array<{ message: string }> }> }) => lines.push(...msg.chunks.flatMap((c) => c.lines.map((l) => l.message))));
    socket.on('run.status.v1', (msg: { status: string }) => statuses.push(msg.status));
    expect(await socket.timeout(5000).emitWithAck('run.follow.v1', { runId: running.id })).toEqual({ ok: true });
    await waitFor(() => statuses.includes('SUCCEEDED'), { message: 'live status SUCCEEDED' });
    await waitFor(async () => {
      const page = (await api().get<RunLogPage>(`/runs/${running.id}/logs`)).body;
      return lines.length === page.chunks.flatMap((c) => c.lines).length && lines.length > 0;
    }, { message: 'every stored line was streamed' });
    socket.close();

    const run = (await api().get<RunDto>(`/runs/${running.id}`)).body;
    expect(run).toMatchObject({ status: 'SUCCEEDED', progress: 100 });
    const page = (await api().get<RunLogPage>(`/runs/${running.id}/logs`)).body;
    expect(page.chunks.map((c) => c.seq)).toEqual(page.chunks.map((_, i) => i + 1));
    expect(lines.some((l) => /step/i.test(l))).toBe(true);
  });
});

describe('failures', () => {
  it('an executor SIGKILLed mid-run leaves the run LOST within the lease plus a few seconds', { timeout: 30_000 }, async () => {
    const app = await newApp();
    const victim = await executor(app);
    const j = await job(app, { handler: 'demo.slow', params: { ms: 30_000 }, schedule: once() });
    const running = await runWhere(j.id, (r) => r.status === 'RUNNING', 'the run starts');
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    const [run] = await finishedRuns(j.id, 1, 15_000);
    expect(run!.status).toBe('LOST');
    expect(run!.statusReason).toMatch(/stopped renewing/);
    expect(Date.parse(run!.finishedAt!) - killedAt).toBeLessThan(3000 + 3000);
    expect(run!.id).toBe(running.id);
  });

  it('refuses an executor with a wrong token, which exits saying why', { timeout: 30_000 }, async () => {
    const app = await newApp();
    await expect(startExecutorProcess({ servers: [server.url], app: app.name, token: 'bat_exe_wrong' })).rejects.toThrow(/UNAUTHORIZED/);
  });
});
