import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** Where the bench creates its database: the server of DATABASE_URL (default: local MariaDB). */
export const BENCH_DATABASE_URL = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';

function connectionOptions(url: URL): mysql.ConnectionOptions {
  return { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username || 'root'), password: decodeURIComponent(url.password), multipleStatements: false };
}

/** A fresh database `baton_bench_<random>` on the bench server, its pool, and how to drop it. */
export interface BenchDatabase {
  name: string;
  /** DATABASE_URL for the server nodes. */
  url: string;
  pool: mysql.Pool;
  /** `SELECT VERSION()` of the database server. */
  version: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const base = new URL(BENCH_DATABASE_URL);
  const name = `baton_bench_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(connectionOptions(base));
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const [rows] = await admin.query('SELECT VERSION() AS v');
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const pool = mysql.createPool({ ...connectionOptions(base), database: name, connectionLimit: 4, timezone: 'Z', dateStrings: false, supportBigNumbers: true, bigNumberStrings: true });
  return {
    name,
    url: url.toString(),
    pool,
    version: String((rows as Array<{ v: string }>)[0]?.v ?? 'unknown'),
    async drop() {
      await pool.end().catch(() => undefined);
      const c = await mysql.createConnection(connectionOptions(base));
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** Rows of one SELECT. */
export async function select<T>(pool: mysql.Pool, sql: string, params: unknown[] = []): Promise<T[]> {
  const [rows] = await pool.query(sql, params);
  return rows as T[];
}

/**
 * Runs one write the server's own transactions may deadlock with (the bench edits jobs and runs
 * behind the running server), trying again on a deadlock or lock wait timeout.
 */
export async function writeWithRetry(pool: mysql.Pool, sql: string, params: unknown[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query(sql, params);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 10 || (code !== 'ER_LOCK_DEADLOCK' && code !== 'ER_LOCK_WAIT_TIMEOUT')) throw error;
    }
  }
}
