import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/database/database-url.js';

/** The engines Baton runs on: MySQL-family servers (tested on MariaDB) and embedded SQLite. */
export type TestEngine = 'mariadb' | 'sqlite';
export const TEST_ENGINES: readonly TestEngine[] = ['mariadb', 'sqlite'];

/** The engine of databases created without naming one: BATON_TEST_ENGINE, else MariaDB. */
export const DEFAULT_TEST_ENGINE: TestEngine = process.env.BATON_TEST_ENGINE === 'sqlite' ? 'sqlite' : 'mariadb';

/** The server tests create their databases on (default: local MariaDB, database `test`). */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  engine: TestEngine;
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file, on the server named by DATABASE_URL.
 * Call `drop()` in afterAll.
 */
export async function createTestDatabase(label = 't', engine: TestEngine = DEFAULT_TEST_ENGINE): Promise<TestDatabase> {
  if (engine === 'sqlite') return createSqliteTestDatabase(label);
  const server = parseDatabaseUrl(TEST_DATABASE_URL);
  const name = `baton_${label.replace(/[^a-z0-9_]/gi, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const conn = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    engine,
    name,
    url: url.toString(),
    async drop() {
      const c = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** A SQLite file in a fresh temporary folder (not created until the server opens it). */
function createSqliteTestDatabase(label: string): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), `baton-${label.replace(/[^a-z0-9_]/gi, '_').slice(0, 20)}-`));
  const file = join(dir, 'baton.sqlite');
  return {
    engine: 'sqlite',
    name: file,
    url: `sqlite:${file}`,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
