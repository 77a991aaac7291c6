import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/database/database-url.js';

/** The server tests create their databases on (default: local MariaDB, database `test`). */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file, on the server named by DATABASE_URL.
 * Call `drop()` in afterAll.
 */
export async function createTestDatabase(label = 't'): Promise<TestDatabase> {
  const server = parseDatabaseUrl(TEST_DATABASE_URL);
  const name = `baton_${label.replace(/[^a-z0-9_]/gi, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const conn = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
