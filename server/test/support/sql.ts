import mysql from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/database/database-url.js';

/** Runs one statement on the test database, for assertions on rows and for staging faults. */
export async function sql<T = any>(databaseUrl: string, statement: string, params: unknown[] = []): Promise<T[]> {
  const conn = await mysql.createConnection({ ...parseDatabaseUrl(databaseUrl), timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });
  try {
    const [rows] = await conn.query(statement, params);
    return rows as T[];
  } finally {
    await conn.end();
  }
}
