import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LeaderLeaseRepository } from '../../src/modules/scheduler/leader-lease.repository.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { waitFor } from '../support/poll.js';
import { TEST_ENGINES } from '../support/test-database.js';

const TTL = 60_000;

// One leader, fenced (DESIGN.md invariant 2): MySQL claims under the row lock, SQLite by guarded
// UPDATEs; both must hand out the same outcomes, on the database's clock.
describe.each(TEST_ENGINES)('LeaderLeaseRepository on %s', (engine) => {
  let e: EngineDatabase;
  let lease: LeaderLeaseRepository;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'lease_repo');
    lease = new LeaderLeaseRepository(e.dataSource, e.info);
  });
  afterAll(async () => e?.close());
  beforeEach(async () => {
    await e.dataSource.query("UPDATE scheduler_lease SET holder = NULL, acquired_at = NULL, expires_at = NULL WHERE name = 'leader'");
  });

  /** Moves the lease's expiry into the past on the database clock, as if its holder had stalled. */
  const expire = () => e.dataSource.query(`UPDATE scheduler_lease SET expires_at = ${e.info.sql.plusMs(e.info.sql.now(), '-1000')} WHERE name = 'leader'`);

  it('acquires a free lease in a new term that runs for the TTL on the database clock', async () => {
    const before = await lease.read();
    const claim = await lease.claim('node-a', TTL);
    expect(claim).toEqual({ kind: 'acquired', epoch: String(BigInt(before.epoch) + 1n) });
    const state = await lease.read();
    expect(state.holder).toBe('node-a');
    expect(state.epoch).toBe(claim.epoch);
    expect(state.now).toBeInstanceOf(Date);
    expect(state.expiresAt!.getTime() - state.acquiredAt!.getTime()).toBe(TTL);
    expect(state.expiresAt!.getTime() - state.now.getTime()).toBeGreaterThan(TTL - 5_000);
  });

  it('renews only for the term it holds; the same node id without that epoch is another holder', async () => {
    const { epoch } = await lease.claim('node-a', 1_000);
    const shortExpiry = (await lease.read()).expiresAt!;
    expect(await lease.claim('node-a', TTL, epoch)).toEqual({ kind: 'renewed', epoch });
    expect((await lease.read()).expiresAt!.getTime()).toBeGreaterThan(shortExpiry.getTime() + 30_000);
    expect(await lease.claim('node-a', TTL, null)).toEqual({ kind: 'held-by-other', holder: 'node-a', epoch });
    expect(await lease.claim('node-a', TTL, String(BigInt(epoch) - 1n))).toEqual({ kind: 'held-by-other', holder: 'node-a', epoch });
    expect(await lease.claim('node-b', TTL, epoch)).toEqual({ kind: 'held-by-other', holder: 'node-a', epoch });
    expect((await lease.read()).epoch).toBe(epoch);
  });

  it('hands an expired lease to the next claimer with epoch + 1; the old holder cannot renew it', async () => {
    const old = await lease.claim('node-a', TTL);
    await expire();
    const taken = await lease.claim('node-b', TTL, null);
    expect(taken).toEqual({ kind: 'acquired', epoch: String(BigInt(old.epoch) + 1n) });
    expect(await lease.claim('node-a', TTL, old.epoch)).toEqual({ kind: 'held-by-other', holder: 'node-b', epoch: taken.epoch });
  });

  it('starts a new term when its own lease ran out, rather than renewing it', async () => {
    const old = await lease.claim('node-a', TTL);
    await expire();
    expect(await lease.claim('node-a', TTL, old.epoch)).toEqual({ kind: 'acquired', epoch: String(BigInt(old.epoch) + 1n) });
  });

  it('releases only for the holder in that term', async () => {
    const { epoch } = await lease.claim('node-a', TTL);
    expect(await lease.release('node-b', epoch)).toBe(false);
    expect(await lease.release('node-a', String(BigInt(epoch) + 1n))).toBe(false);
    expect((await lease.read()).holder).toBe('node-a');
    expect(await lease.release('node-a', epoch)).toBe(true);
    expect(await lease.release('node-a', epoch)).toBe(false);
    const state = await lease.read();
    expect([state.holder, state.expiresAt, state.epoch]).toEqual([null, null, epoch]);
    expect(await lease.claim('node-b', TTL)).toEqual({ kind: 'acquired', epoch: String(BigInt(epoch) + 1n) });
  });

  it('gives a free lease to exactly one of several concurrent claimers', async () => {
    const before = await lease.read();
    const nodes = ['node-a', 'node-b', 'node-c', 'node-d'];
    const outcomes = await Promise.all(nodes.map((n) => lease.claim(n, TTL)));
    const winners = outcomes.flatMap((o, i) => (o.kind === 'acquired' ? [nodes[i]] : []));
    expect(winners).toHaveLength(1);
    const epoch = String(BigInt(before.epoch) + 1n);
    for (const o of outcomes) if (o.kind !== 'acquired') expect(o).toEqual({ kind: 'held-by-other', holder: winners[0], epoch });
    expect(await lease.read()).toMatchObject({ holder: winners[0], epoch });
  });

  it('runs out when the database clock passes its expiry, not before', async () => {
    const ttl = 400;
    const started = Date.now();
    const mine = await lease.claim('node-a', ttl);
    expect((await lease.claim('node-b', TTL)).kind).toBe('held-by-other');
    const taken = await waitFor(async () => {
      const o = await lease.claim('node-b', TTL);
      return o.kind === 'acquired' ? o : null;
    }, { timeoutMs: 5_000, intervalMs: 25, message: 'node-b takes the lapsed lease' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(ttl - 50);
    expect(taken.epoch).toBe(String(BigInt(mine.epoch) + 1n));
  });
});
