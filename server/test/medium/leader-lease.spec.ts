import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlDialect } from '../../src/database/sql-dialect.js';
import { LeaderLeaseRepository } from '../../src/modules/scheduler/leader-lease.repository.js';
import { sql } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let lease: LeaderLeaseRepository;
beforeAll(async () => {
  server = await startTestServer({ label: 'lease', env: { SCHEDULER_ENABLED: 'false' } });
  lease = server.app.get(LeaderLeaseRepository);
});
afterAll(async () => {
  await server?.close();
});

const expire = () => {
  const d = sqlDialect(server.db.engine === 'sqlite' ? 'sqlite' : 'mysql');
  return sql(server.db.url, `UPDATE scheduler_lease SET expires_at = ${d.plusMs(d.now(), '-1000')} WHERE name = 'leader'`);
};

describe('LeaderLeaseRepository.claim', () => {
  it('acquires a free lease with a new epoch, and renews it only for the process holding that epoch', async () => {
    const first = await lease.claim('node-a', 60_000);
    expect(first.kind).toBe('acquired');
    expect(await lease.claim('node-a', 60_000, first.epoch)).toEqual({ kind: 'renewed', epoch: first.epoch });
    // The same NODE_ID in another process (a restart, or a misconfigured twin) does not share it.
    expect(await lease.claim('node-a', 60_000, null)).toEqual({ kind: 'held-by-other', holder: 'node-a', epoch: first.epoch });
    expect(await lease.claim('node-b', 60_000, null)).toEqual({ kind: 'held-by-other', holder: 'node-a', epoch: first.epoch });
  });

  it('hands an expired lease to the next claimer with a higher epoch, and the old holder cannot renew it', async () => {
    const held = await lease.read();
    await expire();
    const taken = await lease.claim('node-b', 60_000, null);
    expect(taken.kind).toBe('acquired');
    expect(BigInt(taken.epoch)).toBe(BigInt(held.epoch) + 1n);
    expect((await lease.claim('node-a', 60_000, held.epoch)).kind).toBe('held-by-other');
  });

  it('release gives the lease up only in the releasing term', async () => {
    const current = await lease.read();
    expect(await lease.release('node-b', '999')).toBe(false);
    expect(await lease.release('node-b', current.epoch)).toBe(true);
    expect((await lease.read()).holder).toBeNull();
    expect((await lease.claim('node-c', 60_000, null)).kind).toBe('acquired');
  });
});
