import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialectOf } from '../../src/database/sql-dialect.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { TEST_ENGINES } from '../support/test-database.js';

// What repositories rely on from a transaction, on both engines. On SQLite, where one connection
// serves everyone, this is the serializer's contract: units of work never interleave.
describe.each(TEST_ENGINES)('transactions on %s', (engine) => {
  let e: EngineDatabase;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'tx');
  });
  afterAll(async () => e?.close());
  beforeEach(async () => {
    await e.dataSource.query('DELETE FROM scheduler_nodes');
  });

  const at = new Date('2026-11-21T12:00:00.000Z');
  const insertNode = (id: string, pid = 1) => [
    "INSERT INTO scheduler_nodes (id, advertise_url, version, hostname, pid, started_at, last_heartbeat_at) VALUES (?, 'http://x', 'v', 'h', ?, ?, ?)",
    [id, pid, at, at],
  ] as const;
  const nodeIds = async () => (await e.dataSource.query('SELECT id FROM scheduler_nodes ORDER BY id')).map((r: { id: string }) => r.id);

  it('serializes concurrent read-modify-write transactions: no lost update', async () => {
    await e.dataSource.query(...insertNode('counter', 0));
    const lock = dialectOf(e.dataSource).forUpdate();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        e.dataSource.transaction(async (m) => {
          const [row] = await m.query(`SELECT pid FROM scheduler_nodes WHERE id = 'counter'${lock}`);
          await new Promise((resolve) => setImmediate(resolve));
          await m.query("UPDATE scheduler_nodes SET pid = ? WHERE id = 'counter'", [Number(row.pid) + 1]);
        }),
      ),
    );
    const [row] = await e.dataSource.query("SELECT pid FROM scheduler_nodes WHERE id = 'counter'");
    expect(Number(row.pid)).toBe(20);
  });

  it('rolls back only the failing transaction, not one running beside it', async () => {
    const failing = e.dataSource.transaction(async (m) => {
      await m.query(...insertNode('doomed'));
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('boom');
    });
    const committing = e.dataSource.transaction(async (m) => {
      await m.query(...insertNode('kept'));
    });
    await expect(failing).rejects.toThrow('boom');
    await committing;
    expect(await nodeIds()).toEqual(['kept']);
  });

  it('keeps a statement of another caller out of a transaction that is open meanwhile', async () => {
    let inside!: () => void;
    const insertedInside = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const failing = e.dataSource.transaction(async (m) => {
      await m.query(...insertNode('inside'));
      inside();
      await released;
      throw new Error('rolled back');
    });
    await insertedInside;
    const lone = e.dataSource.query(...insertNode('outside'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await expect(failing).rejects.toThrow('rolled back');
    await lone;
    expect(await nodeIds()).toEqual(['outside']);
  });

  it('nests a transaction inside another, and an inner failure caught inside keeps the outer work', async () => {
    await e.dataSource.transaction(async (m) => {
      await m.query(...insertNode('outer'));
      await m.transaction(async (inner) => inner.query(...insertNode('inner')));
    });
    expect(await nodeIds()).toEqual(['inner', 'outer']);
  });
});
