import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterDto, RunDto } from '@baton/protocol';
import { uniqueName } from '../support/builders.js';
import { stopAll } from '../support/child-process.js';
import { FAST_CLUSTER_ENV } from '../support/e2e-env.js';
import { startExecutorProcess, type ExecutorProcess } from '../support/executor-process.js';
import { waitFor } from '../support/poll.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from '../support/test-database.js';

const TTL_MS = Number(FAST_CLUSTER_ENV.LEADER_LEASE_TTL_MS);
const procs: Array<ServerProcess | ExecutorProcess> = [];
const dbs: TestDatabase[] = [];
afterAll(async () => {
  await stopAll(procs);
  for (const db of dbs) await db.drop();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

// On both engines: an accepted run is durable before the API answers (SQLite: WAL, synchronous FULL).
describe.each(TEST_ENGINES)('a delayed run across a server restart on %s', (engine) => {
  it('survives the server being SIGKILLed and fires after the restart, within the lease TTL + 2 s of its time', { timeout: 60_000 }, async () => {
    const db = await createTestDatabase('restart', engine);
    dbs.push(db);
    const port = await freePort();
    // The same port and node id, as an orchestrator restarting the pod.
    const start = () => startServerProcess({ databaseUrl: db.url, nodeId: 'restart-1', env: { ...FAST_CLUSTER_ENV, PORT: String(port) } });
    let server = await start();
    procs.push(server);
    await waitFor(async () => (await server.api.get<ClusterDto>('/cluster')).body.leader, { message: 'a leader' });
    const app = (await server.api.post('/apps', { name: uniqueName('app') })).body;
    await server.api.post('/jobs', { app: app.name, name: 'close-order', handler: 'demo.echo', schedule: { type: 'NONE', expression: null } });
    const exec = await startExecutorProcess({ servers: [server.url], app: app.name, token: app.token });
    procs.push(exec);

    const triggered = await server.api.post<RunDto>(`/jobs/${app.name}:close-order/trigger`, { delay: 3000, params: { orderId: 42 }, idempotencyKey: 'order-42' });
    expect(triggered.status).toBe(202);
    await server.kill('SIGKILL');
    procs.splice(procs.indexOf(server), 1);

    server = await start();
    procs.push(server);
    const run = await waitFor(
      async () => {
        const r = (await server.api.get<RunDto>(`/runs/${triggered.body.id}`)).body;
        return r.finishedAt ? r : null;
      },
      { timeoutMs: 30_000, message: 'the run ends after the restart' },
    );
    expect(run).toMatchObject({ status: 'SUCCEEDED', result: { params: { orderId: 42 } }, dispatchCount: 1 });
    const lateness = Date.parse(run.startedAt!) - Date.parse(run.scheduledAt);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(TTL_MS + 2000);
    // The idempotency key still names the same run after the restart.
    const again = await server.api.post<RunDto>(`/jobs/${app.name}:close-order/trigger`, { delay: 3000, params: { orderId: 42 }, idempotencyKey: 'order-42' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(run.id);
  });
});
