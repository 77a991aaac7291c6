import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlDialect } from '../../src/database/sql-dialect.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { TEST_ENGINES } from '../support/test-database.js';

// The fragments repositories take from SqlDialect must mean the same on both engines.
describe.each(TEST_ENGINES)('SQL dialect on %s', (engine) => {
  let e: EngineDatabase;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'dialect');
  });
  afterAll(async () => e?.close());

  const sql = () => sqlDialect(e.info.engine);
  const one = async (expr: string, params: unknown[] = []) => {
    const rows = await e.dataSource.query(`SELECT ${expr} AS v`, params);
    return rows[0].v;
  };

  it('reads the database clock to the millisecond, close to ours', async () => {
    const rows = await e.dataSource.query(`SELECT ${sql().now()} AS now`);
    expect(rows[0].now).toBeInstanceOf(Date);
    expect(Math.abs(rows[0].now.getTime() - Date.now())).toBeLessThan(5_000);
  });

  it('adds milliseconds, either way', async () => {
    const t = new Date('2026-03-29T00:59:59.250Z');
    const later = await e.dataSource.query(`SELECT ${sql().plusMs('?', '?')} AS created_at`, [t, 1_750]);
    expect(new Date(later[0].created_at).toISOString()).toBe('2026-03-29T01:00:01.000Z');
    const earlier = await e.dataSource.query(`SELECT ${sql().plusMs('?', '?')} AS created_at`, [t, -250]);
    expect(new Date(earlier[0].created_at).toISOString()).toBe('2026-03-29T00:59:59.000Z');
  });

  it('finds the UTC date a time falls on, as text', async () => {
    expect(await one(sql().utcDateOf('?'), [new Date('2026-11-21T23:59:59.999Z')])).toBe('2026-11-21');
  });

  it('picks the larger and the smaller value', async () => {
    expect(Number(await one(sql().greatest('?', '?', '?'), [3, 9, 4]))).toBe(9);
    expect(Number(await one(sql().least('?', '?'), [3, 9]))).toBe(3);
  });

  it('upserts and skips on a unique key', async () => {
    const at = new Date('2026-11-21T10:00:00.000Z');
    const columns = 'id, advertise_url, version, hostname, pid, started_at, last_heartbeat_at';
    const upsert = `INSERT INTO scheduler_nodes (${columns}) VALUES (?, ?, 'v', 'h', 1, ?, ?)
      ${sql().onConflictUpdate(['id'], 'advertise_url = ?, last_heartbeat_at = ?')}`;
    const send = (url: string, heartbeat: Date) => e.dataSource.query(upsert, ['n1', url, at, heartbeat, url, heartbeat]);
    await send('http://a', at);
    await send('http://b', new Date(at.getTime() + 1_000));
    await e.dataSource.query(`INSERT INTO scheduler_nodes (${columns}) VALUES (?, ?, 'v', 'h', 1, ?, ?) ${sql().onConflictKeep(['id'])}`, ['n1', 'http://c', at, at]);
    const rows = await e.dataSource.query('SELECT id, advertise_url, last_heartbeat_at FROM scheduler_nodes');
    expect(rows).toEqual([{ id: 'n1', advertise_url: 'http://b', last_heartbeat_at: new Date('2026-11-21T10:00:01.000Z') }]);
  });

  it('keeps the existing row on a key collision, reports no new row, and still fails other constraints', async () => {
    const at = new Date();
    const insert = `INSERT INTO scheduler_lease (name, holder, epoch) VALUES (?, NULL, 0) ${sql().onConflictKeep(['name'])}`;
    const kept = await e.dataSource.query(insert, ['leader']);
    expect(kept.insertId === 0 || kept.affectedRows === 0).toBe(true);
    const rows = await e.dataSource.query("SELECT COUNT(*) AS n FROM scheduler_lease WHERE name = 'leader'");
    expect(Number(rows[0].n)).toBe(1);
    await expect(
      e.dataSource.query(`INSERT INTO scheduler_nodes (id, advertise_url, version, hostname, pid, started_at, last_heartbeat_at) VALUES ('n9', NULL, 'v', 'h', 1, ?, ?) ${sql().onConflictKeep(['id'])}`, [at, at]),
    ).rejects.toThrow();
  });

  it('reports affected rows and the first id of a multi-row insert as mysql2 does', async () => {
    const at = new Date();
    const insert = await e.dataSource.query(
      'INSERT INTO audit_log (at, actor_type, actor_id, action, target_type, target_id) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)',
      [at, 'user', '1', 'x.y', 'job', '1', at, 'user', '1', 'x.y', 'job', '2'],
    );
    const ids = (await e.dataSource.query('SELECT id FROM audit_log ORDER BY id')).map((r: { id: string }) => r.id);
    expect(ids).toHaveLength(2);
    expect(typeof ids[0]).toBe('string');
    expect(String(insert.insertId)).toBe(ids[0]);
    const update = await e.dataSource.query('UPDATE audit_log SET ip = ? WHERE id IN (?)', ['127.0.0.1', ids]);
    expect(update.affectedRows).toBe(2);
  });
});
