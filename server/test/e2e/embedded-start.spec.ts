import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/poll.js';
import { startServerProcess, stopAll, type ServerProcess } from '../support/server-process.js';

// `npm start` on a machine with no MySQL: no DATABASE_URL, so the embedded SQLite file under the
// working directory. This is the README's quick start, minus the build.
const cwd = mkdtempSync(join(tmpdir(), 'baton-embedded-'));
const file = join(cwd, 'data', 'baton.sqlite');
const nodes: ServerProcess[] = [];

const start = async (nodeId: string) => {
  const node = await startServerProcess({ databaseUrl: undefined, cwd, nodeId, env: { LEADER_LEASE_TTL_MS: '3000', LEADER_RENEW_INTERVAL_MS: '500' } });
  nodes.push(node);
  return node;
};

afterAll(async () => {
  await stopAll(nodes);
  rmSync(cwd, { recursive: true, force: true });
});

describe('starting with no DATABASE_URL', () => {
  it('runs on ./data/baton.sqlite, says so first, and serves the API, the console and health', async () => {
    const node = await start('embedded-1');
    expect(existsSync(file)).toBe(true);
    const firstLines = node.output().split('\n').slice(0, 15).join('\n');
    expect(firstLines).toContain(`Embedded SQLite database at ${file}`);
    expect(firstLines).toContain('one server node only');

    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${node.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const page = await fetch(`${node.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<div id="root">/);

    const cluster = await waitFor(async () => {
      const res = await node.api.get('/cluster');
      return res.body.leader?.nodeId === 'embedded-1' ? res.body : null;
    }, { timeoutMs: 15_000, message: 'embedded-1 to lead' });
    expect(cluster.leader.nodeId).toBe('embedded-1');
  });

  it('keeps apps, jobs and accepted runs across a restart', async () => {
    const first = nodes[0]!;
    expect((await first.api.post('/apps', { name: 'billing' })).status).toBe(201);
    const job = await first.api.post('/jobs', { app: 'billing', name: 'close-order', handler: 'order.close', schedule: { type: 'NONE' } });
    expect(job.status).toBe(201);
    const accepted = await first.api.post('/jobs/billing:close-order/trigger', { params: { order: 42 }, delay: 'PT1H', idempotencyKey: 'order-42' });
    expect(accepted.status).toBe(202);

    await first.stop();
    const second = await start('embedded-2');
    const run = await second.api.get(`/runs/${accepted.body.id}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ id: accepted.body.id, status: 'SCHEDULED' });
    const again = await second.api.post('/jobs/billing:close-order/trigger', { params: { order: 42 }, delay: 'PT1H', idempotencyKey: 'order-42' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(accepted.body.id);
  });

  it('lets only one of two processes on the same file lead, and the other take over when it dies', async () => {
    const leader = nodes[1]!;
    const follower = await start('embedded-3');
    const leaderOf = async (node: ServerProcess) => (await node.api.get('/cluster')).body.leader?.nodeId;
    expect(await leaderOf(follower)).toBe('embedded-2');
    await leader.kill('SIGKILL');
    const took = await waitFor(async () => ((await leaderOf(follower)) === 'embedded-3' ? true : null), { timeoutMs: 15_000, message: 'embedded-3 to take over' });
    expect(took).toBe(true);
    const run = await follower.api.get('/runs?job=billing:close-order');
    expect(run.body.items).toHaveLength(1);
  });
});
