import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { BenchDatabase, SqlSession, WriteResult } from './database.js';
import { retrying } from './retry.js';

/** As the server's own connection (server/src/database/sqlite-data-source.ts). */
const BUSY_TIMEOUT_MS = 5000;
/** How the server writes times on SQLite: UTC text whose order is time order. */
const SQLITE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

const busy = (code: string | undefined) => code?.startsWith('SQLITE_BUSY') ?? false;

function toSqliteTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function bind(params: readonly unknown[]): unknown[] {
  return params.map((v) => (v instanceof Date ? toSqliteTime(v) : typeof v === 'boolean' ? Number(v) : v === undefined ? null : v));
}

/** Time text back to Dates, as mysql2 returns DATETIME columns. */
function readRow<T>(row: Record<string, unknown>): T {
  for (const [key, v] of Object.entries(row)) if (typeof v === 'string' && SQLITE_TIME.test(v)) row[key] = new Date(`${v.replace(' ', 'T')}Z`);
  return row as T;
}

/**
 * A fresh SQLite file in a temporary directory for a single server node (`sqlite:<file>`), which
 * creates the schema on start. The bench's own connection reads freely (WAL) and writes little:
 * the server process owns the writes, and a bench write waits for the server's lock like a second
 * process would (busy_timeout, then a retry).
 */
export async function createSqliteBenchDatabase(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  const file = join(dir, 'baton.sqlite');
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const statements = new Map<string, Sqlite.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 100) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const run = (sql: string, params: readonly unknown[]): WriteResult => {
    const info = prepared(sql).run(...bind(params));
    return { affectedRows: info.changes, insertId: String(info.lastInsertRowid) };
  };
  const session: SqlSession = {
    async execute(sql, params) {
      if (params?.length) run(sql, params);
      else db.exec(sql);
    },
    async transaction(body) {
      db.exec('BEGIN IMMEDIATE');
      try {
        await body();
        db.exec('COMMIT');
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
  };
  const { version } = db.prepare('SELECT sqlite_version() AS version').get() as { version: string };
  const driver = (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;
  let closed = false;
  const close = async () => {
    if (!closed) db.close();
    closed = true;
  };
  return {
    engine: 'sqlite',
    name: file,
    url: `sqlite:${file}`,
    description: `SQLite ${version} (better-sqlite3 ${driver})`,
    async select<T>(sql: string, params: unknown[] = []) {
      return (prepared(sql).all(...bind(params)) as Array<Record<string, unknown>>).map((row) => readRow<T>(row));
    },
    write: (sql, params) => retrying(async () => run(sql, params), busy),
    async insertRows(table, columns, rows) {
      const insert = prepared(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      const all = db.transaction((batch: unknown[][]) => batch.map((row) => insert.run(...bind(row)).lastInsertRowid));
      const ids = await retrying(async () => all.immediate(rows), busy);
      // better-sqlite3 blocks this process while it works: let its sockets (HTTP keep-alive, IPC) catch up between batches.
      await new Promise((resolve) => setImmediate(resolve));
      return { firstId: String(ids[0]), lastId: String(ids[ids.length - 1]) };
    },
    session: (work) => work(session),
    close,
    async drop() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
