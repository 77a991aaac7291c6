import { Logger } from '@nestjs/common';
import mysql from 'mysql2/promise';
import { parseDatabaseUrl } from './database-url.js';
import { readMigrations, readSchema, sqlDir } from './sql-files.js';

const LOCK_NAME = 'baton_schema_migration';
const LOCK_TIMEOUT_S = 120;

export type DatabaseFlavor = 'mysql' | 'mariadb';

export interface MigrationReport {
  createdDatabase: boolean;
  appliedSchema: boolean;
  appliedMigrations: string[];
}

/**
 * Brings the database to the current schema: creates the database if missing, applies
 * `schema.sql` to an empty one, then every pending migration. Nodes starting together
 * serialize on a named lock, so exactly one of them does the work.
 */
export async function migrateDatabase(databaseUrl: string, dir = sqlDir(), logger = new Logger('Migrator')): Promise<MigrationReport> {
  const opts = parseDatabaseUrl(databaseUrl);
  const createdDatabase = await ensureDatabase(databaseUrl);
  const conn = await mysql.createConnection({ ...opts, multipleStatements: false, timezone: 'Z' });
  try {
    const [lockRows] = await conn.query('SELECT GET_LOCK(?, ?) AS got', [LOCK_NAME, LOCK_TIMEOUT_S]);
    if ((lockRows as Array<{ got: number }>)[0]?.got !== 1) throw new Error(`Timed out after ${LOCK_TIMEOUT_S}s waiting for another node's schema migration`);
    try {
      return { createdDatabase, ...(await applyPending(conn, dir, logger)) };
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    }
  } finally {
    await conn.end();
  }
}

/** MySQL or MariaDB: TypeORM reads their catalogs differently, so it must be told which. */
export async function detectFlavor(databaseUrl: string): Promise<DatabaseFlavor> {
  return (await inspectServer(databaseUrl)).flavor;
}

/** The server's flavor and the settings repositories depend on. */
export async function inspectServer(databaseUrl: string): Promise<{ flavor: DatabaseFlavor; autoIncLockMode: number }> {
  const { database: _database, ...server } = parseDatabaseUrl(databaseUrl);
  const conn = await mysql.createConnection(server);
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v, @@innodb_autoinc_lock_mode AS m');
    const row = (rows as Array<{ v: string; m: number }>)[0]!;
    return { flavor: /mariadb/i.test(String(row.v)) ? 'mariadb' : 'mysql', autoIncLockMode: Number(row.m) };
  } finally {
    await conn.end();
  }
}

async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { database, ...server } = parseDatabaseUrl(databaseUrl);
  const conn = await mysql.createConnection(server);
  try {
    const [rows] = await conn.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
    if ((rows as unknown[]).length > 0) return false;
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    return true;
  } finally {
    await conn.end();
  }
}

async function applyPending(conn: mysql.Connection, dir: string, logger: Logger): Promise<Omit<MigrationReport, 'createdDatabase'>> {
  const schema = readSchema(dir);
  const migrations = readMigrations(dir);
  let applied = await appliedVersions(conn);
  let appliedSchema = false;
  if (applied === null) {
    await assertEmpty(conn);
    for (const statement of schema.statements) await conn.query(statement);
    const included = migrations.filter((m) => m.version <= schema.schemaVersion);
    for (const m of included) await record(conn, m.version, m.name, m.checksum);
    applied = new Set(included.map((m) => m.version));
    appliedSchema = true;
    logger.log(`Applied sql/schema.sql (schema version ${schema.schemaVersion})`);
  }
  const appliedMigrations: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    // DDL commits implicitly in MySQL, so a migration is made of idempotent-enough steps and recorded last.
    for (const statement of m.statements) await conn.query(statement);
    await record(conn, m.version, m.name, m.checksum);
    appliedMigrations.push(m.name);
    logger.log(`Applied migration ${m.name}`);
  }
  return { appliedSchema, appliedMigrations };
}

async function appliedVersions(conn: mysql.Connection): Promise<Set<number> | null> {
  const [tables] = await conn.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations'");
  if ((tables as unknown[]).length === 0) return null;
  const [rows] = await conn.query('SELECT version FROM schema_migrations');
  return new Set((rows as Array<{ version: number }>).map((r) => r.version));
}

async function assertEmpty(conn: mysql.Connection): Promise<void> {
  const [rows] = await conn.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  const n = Number((rows as Array<{ n: number }>)[0]?.n ?? 0);
  if (n > 0) throw new Error(`The database has ${n} tables but no schema_migrations table; refusing to apply the Baton schema over them. Use an empty database.`);
}

async function record(conn: mysql.Connection, version: number, name: string, checksum: string): Promise<void> {
  await conn.query('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)', [version, name, checksum, new Date()]);
}
