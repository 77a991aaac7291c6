import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { databaseTarget } from '../../src/database/database-url.js';
import { toSqliteTime } from '../../src/database/sqlite-values.js';

/**
 * Runs one statement on the test database, for assertions on rows and for staging faults.
 * On SQLite, rows come back as SQLite holds them (times as text, ids as numbers); a write
 * reports mysql2's `{ affectedRows, insertId }` on both engines.
 */
export async function sql<T = any>(databaseUrl: string, statement: string, params: unknown[] = []): Promise<T[]> {
  const target = databaseTarget(databaseUrl);
  if (target.engine === 'sqlite') return sqliteStatement<T>(target.file, statement, params);
  const conn = await mysql.createConnection({ ...target.connection, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });
  try {
    const [rows] = await conn.query(statement, params);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

function sqliteStatement<T>(file: string, statement: string, params: unknown[]): T[] {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    const bound = params.map((p) => (p instanceof Date ? toSqliteTime(p) : typeof p === 'boolean' ? Number(p) : p));
    const stmt = db.prepare(statement);
    if (stmt.reader) return stmt.all(...bound) as T[];
    const { changes, lastInsertRowid } = stmt.run(...bound);
    return { affectedRows: changes, insertId: Number(lastInsertRowid) } as unknown as T[];
  } finally {
    db.close();
  }
}

/** The id a single-row INSERT run through `sql()` created, as a decimal string. */
export function insertedId(result: unknown): string {
  return String((result as { insertId: number | string }).insertId);
}
