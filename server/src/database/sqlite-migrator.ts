import { Logger } from '@nestjs/common';
import type BetterSqlite3 from 'better-sqlite3';
import type { MigrationReport } from './migrator.js';
import { readMigrations, readSchema, sqliteSqlDir, type SqlFile } from './sql-files.js';
import { toSqliteTime } from './sqlite-values.js';

/**
 * Brings an SQLite database to the current schema: applies `sql/sqlite/schema.sql` to an empty
 * one, then every pending migration of `sql/sqlite/migrations/`. It all happens in one
 * `BEGIN IMMEDIATE` transaction: SQLite DDL is transactional, so an error leaves the file as it
 * was, and the write lock taken up front makes a second process opening the same file wait,
 * then find the work done.
 */
export function migrateSqlite(db: BetterSqlite3.Database, dir = sqliteSqlDir(), logger = new Logger('Migrator')): MigrationReport {
  const schema = readSchema(dir);
  const migrations = readMigrations(dir);
  db.exec('BEGIN IMMEDIATE');
  let report: MigrationReport;
  try {
    report = applyPending(db, schema, migrations);
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
  // Logged after the commit, so the log never claims what a rollback undid.
  if (report.appliedSchema) logger.log(`Applied sql/sqlite/schema.sql (schema version ${schema.schemaVersion})`);
  for (const name of report.appliedMigrations) logger.log(`Applied SQLite migration ${name}`);
  return report;
}

function applyPending(db: BetterSqlite3.Database, schema: ReturnType<typeof readSchema>, migrations: SqlFile[]): MigrationReport {
  let applied = appliedVersions(db);
  let appliedSchema = false;
  if (applied === null) {
    assertEmpty(db);
    for (const statement of schema.statements) db.exec(statement);
    const included = migrations.filter((m) => m.version <= schema.schemaVersion);
    for (const m of included) record(db, m);
    applied = new Set(included.map((m) => m.version));
    appliedSchema = true;
  }
  const appliedMigrations: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    for (const statement of m.statements) db.exec(statement);
    record(db, m);
    appliedMigrations.push(m.name);
  }
  // The file has no database to create; it was new (empty) exactly when the schema went in.
  return { createdDatabase: appliedSchema, appliedSchema, appliedMigrations };
}

function appliedVersions(db: BetterSqlite3.Database): Set<number> | null {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return null;
  const rows = db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>;
  return new Set(rows.map((r) => Number(r.version)));
}

/** User tables; SQLite's own (sqlite_sequence, sqlite_stat1) do not count. */
function tableCount(db: BetterSqlite3.Database): number {
  const row = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").get() as { n: number };
  return Number(row.n);
}

function assertEmpty(db: BetterSqlite3.Database): void {
  const n = tableCount(db);
  if (n > 0) throw new Error(`The SQLite database has ${n} tables but no schema_migrations table; refusing to apply the Baton schema over them. Use a new file.`);
}

function record(db: BetterSqlite3.Database, m: SqlFile): void {
  db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(m.version, m.name, m.checksum, toSqliteTime(new Date()));
}
