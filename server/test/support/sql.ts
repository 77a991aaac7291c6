import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { databaseTarget } from '../../src/database/database-url.js';

/**
 * Runs one statement on the test database, for assertions on rows and for staging faults.
 * On SQLite, values come back as SQLite holds them (times as text, ids as numbers).
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
    const bound = params.map((p) => (p instanceof Date ? p.toISOString().replace('T', ' ').replace('Z', '') : typeof p === 'boolean' ? Number(p) : p));
    const stmt = db.prepare(statement);
    return stmt.reader ? (stmt.all(...bound) as T[]) : ([stmt.run(...bound)] as T[]);
  } finally {
    db.close();
  }
}
