import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, ClusterDto, JobDto, RunDto } from '@baton/protocol';
import { uniqueName } from '../support/builders.js';
import { stopAll } from '../support/child-process.js';
import { startExecutorProcess, type ExecutorProcess } from '../support/executor-process.js';
import { waitFor } from '../support/poll.js';
import { runsOfJob } from '../support/runs.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { sql } from '../support/sql.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { FAST_CLUSTER_ENV } from '../support/e2e-env.js';

const FAST = FAST_CLUSTER_ENV;

const procs: Array<ServerProcess | ExecutorProcess> = [];
const dbs: TestDatabase[] = [];
const proxies: TcpProxy[] = [];
afterAll(async () => {
  await stopAll(procs);
  for (const p of proxies) await p.close();
  for (const d of dbs) await d.drop();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function appOn(server: ServerProcess): Promise<AppWithTokenDto> {
  const res = await server.api.post('/apps', { name: uniqueName('app') });
  expect(res.status).toBe(201);
  return res.body;
}

async function jobOn(server: ServerProcess, app: AppWithTokenDto, body: Record<string, unknown>): Promise<JobDto> {
  const res = await server.api.post('/jobs', { app: app.name, name: uniqueName('job'), handler: 'demo.hello', blockStrategy: 'PARALLEL', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('an executor cut off from the server mid-run', () => {
  it('delivers the result once after it reconnects, and the run is not lost', { timeout: 60_000 }, async () => {
    const db = await createTestDatabase('reconnect');
    dbs.push(db);
    // The executor reaches the server only through a proxy the test can cut; the server
    // advertises the proxy, so the executor's node discovery goes through it too.
    const port = await freePort();
    const proxy = await startTcpProxy({ host: '127.0.0.1', port });
    proxies.push(proxy);
    const server = await startServerProcess({ databaseUrl: db.url, nodeId: 'rc-1', env: { ...FAST, PORT: String(port), RUN_LEASE_MS: '15000', ADVERTISE_URL: `http://127.0.0.1:${proxy.port}` } });
    procs.push(server);
    await waitFor(async () => (await server.api.get<ClusterDto>('/cluster')).body.leader, { message: 'a leader' });
    const app = await appOn(server);
    const exec = await startExecutorProcess({ servers: [`http://127.0.0.1:${proxy.port}`], app: app.name, token: app.token });
    procs.push(exec);

    const job = await jobOn(server, app, { handler: 'demo.slow', params: { ms: 2500 }, schedule: { type: 'ONCE', expression: new Date(Date.now() + 300).toISOString() } });
    const running = await waitFor(async () => (await runsOfJob(server.api, job.id)).find((r) => r.status === 'RUNNING'), { message: 'the run starts' });
    proxy.cut();
    // The handler finishes while the executor cannot reach the server.
    await waitFor(() => exec.output().includes(`DEMO_RUN_FINISHED run=${running.id} attempt=1 outcome=SUCCEEDED`), { timeoutMs: 10_000, message: 'the handler finishes' });
    expect((await server.api.get<RunDto>(`/runs/${running.id}`)).body.status).toBe('RUNNING');
    proxy.restore();

    const done = await waitFor(async () => {
      const r = (await server.api.get<RunDto>(`/runs/${running.id}`)).body;
      return r.finishedAt ? r : null;
    }, { timeoutMs: 20_000, message: 'the result arrives after the reconnect' });
    expect(done).toMatchObject({ status: 'SUCCEEDED', dispatchCount: 1, executorId: exec.instanceId });
    expect(Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)).toBeLessThan(3500);
    const rows = await sql(db.url, 'SELECT COUNT(*) AS n FROM runs WHERE job_id = ?', [job.id]);
    expect(Number(rows[0].n)).toBe(1);
  });
});

describe('a leader change under load', () => {
  it('ends every run exactly once while the leader is SIGKILLed', { timeout: 90_000 }, async () => {
    const db = await createTestDatabase('leaderload');
    dbs.push(db);
    const nodes = await Promise.all(['ll-1', 'll-2'].map((nodeId) => startServerProcess({ databaseUrl: db.url, nodeId, env: { ...FAST, RUN_LEASE_MS: '4000' } })));
    procs.push(...nodes);
    const first = await waitFor(async () => (await nodes[0]!.api.get<ClusterDto>('/cluster')).body.leader, { message: 'a leader' });
    const app = await appOn(nodes[0]!);
    for (let i = 0; i < 2; i++) procs.push(await startExecutorProcess({ servers: [nodes[0]!.url], app: app.name, token: app.token }));
    const jobs: JobDto[] = [];
    // A loaded machine can leave the cluster without a working leader for longer than the default
    // misfire threshold (the kill, then fail-closed step-downs); runs late by that much are skipped
    // by design (FIRE_ONCE). This test is about every run ending exactly once, so none is a misfire.
    const misfire = { policy: 'FIRE_ONCE', thresholdMs: 120_000 };
    for (let i = 0; i < 10; i++) jobs.push(await jobOn(nodes[0]!, app, { handler: 'demo.slow', params: { ms: 400 }, schedule: { type: 'FIXED_RATE', expression: 'PT1S' }, misfire }));

    const succeeded = async () => Number((await sql(db.url, "SELECT COUNT(*) AS n FROM runs WHERE status = 'SUCCEEDED'"))[0].n);
    await waitFor(async () => (await succeeded()) >= 20, { timeoutMs: 15_000, message: 'runs succeed under the first leader' });
    const leader = nodes.find((n) => n.nodeId === first.nodeId)!;
    const survivor = nodes.find((n) => n !== leader)!;
    await leader.kill('SIGKILL');
    procs.splice(procs.indexOf(leader), 1);
    const next = await waitFor(async () => {
      const l = (await survivor.api.get<ClusterDto>('/cluster')).body.leader;
      return l && l.nodeId === survivor.nodeId ? l : null;
    }, { timeoutMs: 15_000, message: 'the survivor leads' });
    await waitFor(async () => Number((await sql(db.url, "SELECT COUNT(*) AS n FROM runs WHERE status = 'SUCCEEDED' AND planned_epoch = ?", [next.epoch]))[0].n) >= 20, {
      timeoutMs: 20_000,
      message: 'runs succeed under the new leader',
    });
    for (const j of jobs) await survivor.api.post(`/jobs/${j.id}/disable`);
    await waitFor(async () => Number((await sql(db.url, "SELECT COUNT(*) AS n FROM runs WHERE status IN ('SCHEDULED', 'DISPATCHED', 'RUNNING')"))[0].n) === 0, {
      timeoutMs: 20_000,
      message: 'every run ends',
    });

    const byStatus = await sql(db.url, 'SELECT status, status_reason, COUNT(*) AS n, MAX(dispatch_count) AS maxDispatch FROM runs GROUP BY status, status_reason');
    for (const row of byStatus) {
      // Only runs planned ahead and cancelled by the disable are not SUCCEEDED.
      if (row.status !== 'SUCCEEDED') expect(`${row.status} ${row.status_reason}`).toBe('CANCELLED job disabled');
      expect(Number(row.maxDispatch)).toBeLessThanOrEqual(2);
    }
    const dups = await sql(db.url, 'SELECT job_id, fire_time, COUNT(*) AS n FROM runs GROUP BY job_id, fire_time HAVING n > 1');
    expect(dups).toEqual([]);
  });
});
