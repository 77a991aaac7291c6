import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterDto } from '@baton/protocol';
import { LeadershipService } from '../../src/modules/scheduler/leadership.service.js';
import { NodePruner } from '../../src/modules/scheduler/node-pruner.js';
import { sql } from '../support/sql.js';
import { waitFor } from '../support/poll.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Two nodes on one database, with a short lease so elections happen within the test.
const FAST = { LEADER_LEASE_TTL_MS: '1500', LEADER_RENEW_INTERVAL_MS: '250', NODE_HEARTBEAT_INTERVAL_MS: '200', TRIGGER_TICK_MS: '200' };
let db: TestDatabase;
const servers: TestServer[] = [];

beforeAll(async () => {
  db = await createTestDatabase('leader');
});
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  await db.drop();
});

async function node(nodeId: string, env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startTestServer({ db, env: { ...FAST, NODE_ID: nodeId, ...env } });
  servers.push(s);
  return s;
}
const cluster = async (s: TestServer) => (await s.api.get<ClusterDto>('/cluster')).body;
const leaders = () => servers.filter((s) => s.app.get(LeadershipService).isLeader());

describe('leader election', () => {
  let a: TestServer;
  let b: TestServer;

  it('elects exactly one leader among two nodes, and both appear in the cluster view', async () => {
    a = await node('node-a');
    b = await node('node-b');
    const view = await waitFor(async () => {
      const c = await cluster(a);
      return c.leader && c.nodes.length === 2 && c.nodes.every((n) => n.alive) ? c : null;
    }, { message: 'a leader and two live nodes' });
    expect(['node-a', 'node-b']).toContain(view.leader!.nodeId);
    expect(view.nodes.filter((n) => n.leader).map((n) => n.id)).toEqual([view.leader!.nodeId]);
    expect(new Date(view.leader!.expiresAt).getTime()).toBeGreaterThan(new Date(view.databaseTime).getTime());
    expect(view.nodes.map((n) => n.version)).toEqual(['0.1.0', '0.1.0']);
    await waitFor(() => leaders().length === 1, { message: 'one node believes it leads' });
  });

  it('keeps the same leader and epoch while it renews', async () => {
    const before = await cluster(a);
    const renewed = await waitFor(async () => {
      const c = await cluster(b);
      return c.leader && c.leader.expiresAt !== before.leader!.expiresAt ? c : null;
    }, { message: 'a renewal' });
    expect(renewed.leader!.nodeId).toBe(before.leader!.nodeId);
    expect(renewed.epoch).toBe(before.epoch);
  });

  it('hands over at once when the leader shuts down, with a higher epoch', async () => {
    const before = await cluster(a);
    const [leader, follower] = before.leader!.nodeId === 'node-a' ? [a, b] : [b, a];
    const closedAt = Date.now();
    await leader.close();
    servers.splice(servers.indexOf(leader), 1);
    const after = await waitFor(async () => {
      const c = await cluster(follower);
      return c.leader?.nodeId === (follower === a ? 'node-a' : 'node-b') ? c : null;
    }, { message: 'the follower takes over' });
    // A clean shutdown releases the lease, so the takeover need not wait out the 1.5 s TTL.
    expect(Date.now() - closedAt).toBeLessThan(1500);
    expect(BigInt(after.epoch)).toBe(BigInt(before.epoch) + 1n);
    expect(after.nodes.map((n) => n.id)).toEqual([follower === a ? 'node-a' : 'node-b']);
  });

  it('the leader prunes nodes that stopped heartbeating', async () => {
    const live = servers[0]!;
    await sql(db.url, "INSERT INTO scheduler_nodes (id, advertise_url, version, hostname, pid, started_at, last_heartbeat_at) VALUES ('ghost', 'http://x', '0', 'h', 1, '2020-01-01', '2020-01-01')");
    expect((await cluster(live)).nodes.find((n) => n.id === 'ghost')?.alive).toBe(false);
    await live.app.get(NodePruner).runOnce();
    expect((await cluster(live)).nodes.map((n) => n.id)).not.toContain('ghost');
  });

  it('an API-only node (SCHEDULER_ENABLED=false) never leads, even when no one else does', async () => {
    for (const s of [...servers]) {
      await s.close();
      servers.splice(servers.indexOf(s), 1);
    }
    const apiOnly = await node('node-api', { SCHEDULER_ENABLED: 'false' });
    await waitFor(async () => (await cluster(apiOnly)).nodes.some((n) => n.id === 'node-api'), { message: 'the node registers' });
    const view = await cluster(apiOnly);
    expect(view.leader).toBeNull();
    expect(apiOnly.app.get(LeadershipService).isLeader()).toBe(false);
  });
});
