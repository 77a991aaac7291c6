import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { retrying } from './retry.js';
import { createSqliteBenchDatabase } from './sqlite-database.js';

/** The storage engine the server nodes run on: a MySQL/MariaDB server, or Baton's embedded SQLite file. */
export type Engine = 'mysql' | 'sqlite';
export const ENGINES: readonly Engine[] = ['mysql', 'sqlite'];

/** Where the bench creates its MySQL database: the server of DATABASE_URL (default: local MariaDB). */
export const BENCH_DATABASE_URL = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** What a write did, as mysql2 reports it (insertId: the first new id). */
export interface WriteResult {
  affectedRows: number;
  insertId: string;
}

/** Statements on one connection, for work that must share it (a transaction). */
export interface SqlSession {
  /** One statement; without parameters, SQLite also takes several separated by `;`. */
  execute(sql: string, params?: unknown[]): Promise<void>;
  transaction(work: () => Promise<void>): Promise<void>;
}

/**
 * A fresh database for one scenario and the bench's SQL access to it, the same on both engines:
 * parameters are `?`, Dates go in and come back as Dates, counts are read with `Number()`.
 */
export interface BenchDatabase {
  engine: Engine;
  /** The MySQL database's name, or the SQLite file's path. */
  name: string;
  /** DATABASE_URL for the server nodes. */
  url: string;
  /** The engine and its version, for the report (`MariaDB 10.11…`, `SQLite 3.53.2 …`). */
  description: string;
  select<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * One write the server's own transactions may conflict with (the bench edits jobs and runs
   * behind the running server), tried again on a deadlock, lock wait timeout or SQLITE_BUSY.
   */
  write(sql: string, params: unknown[]): Promise<WriteResult>;
  /** Rows inserted in one statement (MySQL) or one transaction (SQLite); the range of their new ids. */
  insertRows(table: string, columns: string[], rows: unknown[][]): Promise<{ firstId: string; lastId: string }>;
  session<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Closes the bench's connections and keeps the data (BENCH_KEEP_DB=1). */
  close(): Promise<void>;
  /** Closes the connections and deletes the database. */
  drop(): Promise<void>;
}

export function createBenchDatabase(engine: Engine = 'mysql'): Promise<BenchDatabase> {
  return engine === 'sqlite' ? createSqliteBenchDatabase() : createMysqlBenchDatabase();
}

function connectionOptions(url: URL): mysql.ConnectionOptions {
  return { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username || 'root'), password: decodeURIComponent(url.password), multipleStatements: false };
}

const mysqlLockConflict = (code: string | undefined) => code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';

/** A fresh database `baton_bench_<random>` on the bench's MySQL server. */
async function createMysqlBenchDatabase(): Promise<BenchDatabase> {
  if (BENCH_DATABASE_URL.startsWith('sqlite:')) throw new Error('DATABASE_URL names a SQLite file: run the bench with --engine sqlite (it makes its own file)');
  const base = new URL(BENCH_DATABASE_URL);
  const name = `baton_bench_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(connectionOptions(base));
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const [rows] = await admin.query('SELECT VERSION() AS v');
  await admin.end();
  const version = String((rows as Array<{ v: string }>)[0]?.v ?? 'unknown');
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const pool = mysql.createPool({ ...connectionOptions(base), database: name, connectionLimit: 4, timezone: 'Z', dateStrings: false, supportBigNumbers: true, bigNumberStrings: true });
  const writeResult = (result: unknown): WriteResult => {
    const { affectedRows, insertId } = result as { affectedRows: number; insertId: number | string };
    return { affectedRows, insertId: String(insertId) };
  };
  return {
    engine: 'mysql',
    name,
    url: url.toString(),
    description: /mariadb/i.test(version) ? `MariaDB ${version}` : `MySQL ${version}`,
    async select<T>(sql: string, params: unknown[] = []) {
      const [result] = await pool.query(sql, params);
      return result as T[];
    },
    write: (sql, params) => retrying(async () => writeResult((await pool.query(sql, params))[0]), mysqlLockConflict),
    async insertRows(table, columns, batch) {
      const [result] = await pool.query(`INSERT INTO ${table} (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ?`, [batch]);
      const { insertId, affectedRows } = writeResult(result);
      return { firstId: insertId, lastId: String(BigInt(insertId) + BigInt(affectedRows) - 1n) };
    },
    async session(work) {
      const conn = await pool.getConnection();
      try {
        return await work({
          async execute(sql, params) {
            await conn.query(sql, params);
          },
          async transaction(body) {
            await conn.beginTransaction();
            try {
              await body();
              await conn.commit();
            } catch (error) {
              await conn.rollback().catch(() => undefined);
              throw error;
            }
          },
        });
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
    async drop() {
      await pool.end().catch(() => undefined);
      const c = await mysql.createConnection(connectionOptions(base));
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
