import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/database/migrator.js';
import { readMigrations, readSchema, sqlDir, sqliteSqlDir } from '../../src/database/sql-files.js';
import { migrateSqlite } from '../../src/database/sqlite-migrator.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** What both engines must agree on, per table. */
interface TableShape {
  columns: Array<{ name: string; type: 'INTEGER' | 'REAL' | 'TEXT'; nullable: boolean; default: string | null }>;
  primaryKey: string[];
  indexes: Record<string, { unique: boolean; columns: string[] }>;
}
type SchemaShape = Record<string, TableShape>;

const tempDir = mkdtempSync(join(tmpdir(), 'baton-schema-parity-'));
const openDbs: BetterSqlite3.Database[] = [];
let mysqlDb: TestDatabase;
let sqliteDb: BetterSqlite3.Database;

function openSqlite(name: string, options?: BetterSqlite3.Options): BetterSqlite3.Database {
  const db = new Database(join(tempDir, name), options);
  openDbs.push(db);
  return db;
}

beforeAll(async () => {
  mysqlDb = await createTestDatabase('parity', 'mariadb');
  await migrateDatabase(mysqlDb.url);
  sqliteDb = openSqlite('parity.db');
  migrateSqlite(sqliteDb);
});

afterAll(async () => {
  for (const db of openDbs) db.close();
  rmSync(tempDir, { recursive: true, force: true });
  await mysqlDb?.drop();
});

/** Both catalogs render a literal default their own way ('' vs '''' vs NULL); compare the values. */
function normalizeDefault(value: string | null): string | null {
  if (value === null || value === 'NULL') return null;
  const quoted = /^'(.*)'$/s.exec(value);
  return quoted ? quoted[1]!.replace(/''/g, "'") : value;
}

/** The SQLite type each MySQL type must translate to. */
function sqliteTypeOf(mysqlType: string): TableShape['columns'][number]['type'] {
  if (/int$/.test(mysqlType)) return 'INTEGER';
  if (mysqlType === 'double') return 'REAL';
  return 'TEXT';
}

function emptyTable(): TableShape {
  return { columns: [], primaryKey: [], indexes: {} };
}

async function mysqlShape(url: string, schema: string): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  const tables = await sql<{ t: string }>(url, 'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [schema]);
  for (const { t } of tables) shape[t] = emptyTable();
  const columns = await sql<{ t: string; c: string; type: string; nullable: string; dflt: string | null }>(
    url,
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [schema],
  );
  for (const c of columns) shape[c.t]!.columns.push({ name: c.c, type: sqliteTypeOf(c.type), nullable: c.nullable === 'YES', default: normalizeDefault(c.dflt) });
  const keys = await sql<{ t: string; idx: string; nonUnique: number | string; c: string }>(
    url,
    `SELECT TABLE_NAME AS t, INDEX_NAME AS idx, NON_UNIQUE AS nonUnique, COLUMN_NAME AS c
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [schema],
  );
  for (const k of keys) {
    const table = shape[k.t]!;
    if (k.idx === 'PRIMARY') table.primaryKey.push(k.c);
    else (table.indexes[k.idx] ??= { unique: Number(k.nonUnique) === 0, columns: [] }).columns.push(k.c);
  }
  return shape;
}

function sqliteTables(db: BetterSqlite3.Database): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

/** Key columns of an index with their collations (index_xinfo also lists the rowid, key = 0). */
function sqliteIndexColumns(db: BetterSqlite3.Database, index: string): Array<{ name: string; coll: string }> {
  const rows = db.pragma(`index_xinfo(${index})`) as Array<{ seqno: number; name: string; coll: string; key: number }>;
  return rows.filter((r) => r.key === 1).sort((a, b) => a.seqno - b.seqno);
}

function sqliteIndexes(db: BetterSqlite3.Database, table: string): Array<{ name: string; unique: number; origin: string }> {
  return (db.pragma(`index_list(${table})`) as Array<{ name: string; unique: number; origin: string }>).filter((i) => i.origin !== 'pk');
}

function sqliteShape(db: BetterSqlite3.Database): SchemaShape {
  const shape: SchemaShape = {};
  for (const t of sqliteTables(db)) {
    const info = db.pragma(`table_info(${t})`) as Array<{ cid: number; name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>;
    const table = emptyTable();
    for (const c of info.sort((a, b) => a.cid - b.cid)) {
      table.columns.push({ name: c.name, type: c.type as TableShape['columns'][number]['type'], nullable: c.notnull === 0, default: normalizeDefault(c.dflt_value) });
    }
    table.primaryKey = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    for (const index of sqliteIndexes(db, t)) {
      table.indexes[index.name] = { unique: index.unique === 1, columns: sqliteIndexColumns(db, index.name).map((c) => c.name) };
    }
    shape[t] = table;
  }
  return shape;
}

describe('sql/sqlite/schema.sql matches sql/schema.sql', () => {
  it('declares the same schema version and has a twin of every migration', () => {
    expect(readSchema(sqliteSqlDir()).schemaVersion).toBe(readSchema(sqlDir()).schemaVersion);
    expect(readMigrations(sqliteSqlDir()).map((m) => m.name)).toEqual(readMigrations(sqlDir()).map((m) => m.name));
  });

  it('has the same tables, columns (order, type family, nullability, defaults), primary keys and indexes', async () => {
    const mysql = await mysqlShape(mysqlDb.url, mysqlDb.name);
    const sqlite = sqliteShape(sqliteDb);
    expect(Object.keys(sqlite).sort()).toEqual(Object.keys(mysql).sort());
    expect(Object.keys(mysql).length).toBeGreaterThan(10);
    for (const table of Object.keys(mysql)) expect({ table, ...sqlite[table] }).toEqual({ table, ...mysql[table] });
  });

  it('gives NOCASE only to case-insensitive MySQL columns and keeps utf8mb4_bin columns case-sensitive in every index', async () => {
    const collations = await sql<{ t: string; c: string; coll: string | null }>(
      mysqlDb.url,
      'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLLATION_NAME AS coll FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?',
      [mysqlDb.name],
    );
    const mysqlCollation = new Map(collations.map((r) => [`${r.t}.${r.c}`, r.coll]));
    const checked: string[] = [];
    for (const table of sqliteTables(sqliteDb)) {
      for (const index of sqliteIndexes(sqliteDb, table)) {
        for (const col of sqliteIndexColumns(sqliteDb, index.name)) {
          const mysqlColl = mysqlCollation.get(`${table}.${col.name}`) ?? null;
          if (col.coll === 'NOCASE') expect({ column: `${table}.${col.name}`, ci: mysqlColl?.endsWith('_ci') }).toEqual({ column: `${table}.${col.name}`, ci: true });
          if (mysqlColl?.endsWith('_bin')) expect({ column: `${table}.${col.name}`, coll: col.coll }).toEqual({ column: `${table}.${col.name}`, coll: 'BINARY' });
          checked.push(`${table}.${col.name}:${col.coll}`);
        }
      }
    }
    expect(checked).toContain('users.email:NOCASE');
    expect(checked).toContain('apps.name:BINARY');
  });

  it('treats letter case in unique keys the same way on both engines', async () => {
    const now = '2026-01-01 00:00:00.000';
    const inserts: Array<{ key: string; statement: string; params: unknown[] }> = [
      { key: 'apps.name', statement: 'INSERT INTO apps (name, token_hash, token_prefix, token_rotated_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', params: ['billing', 'h', 'p', now, now, now] },
      { key: 'apps.name', statement: 'INSERT INTO apps (name, token_hash, token_prefix, token_rotated_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', params: ['Billing', 'h', 'p', now, now, now] },
      { key: 'users.email', statement: 'INSERT INTO users (email, password_hash, role, password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', params: ['ann@example.com', 'h', 'ADMIN', now, now, now] },
      { key: 'users.email', statement: 'INSERT INTO users (email, password_hash, role, password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', params: ['Ann@Example.com', 'h', 'ADMIN', now, now, now] },
    ];
    const outcomes = async (run: (statement: string, params: unknown[]) => Promise<unknown>) => {
      const result: string[] = [];
      for (const i of inserts) result.push(await run(i.statement, i.params).then(() => `${i.key} ok`, () => `${i.key} duplicate`));
      return result;
    };
    const expected = ['apps.name ok', 'apps.name ok', 'users.email ok', 'users.email duplicate'];
    const sqlite = openSqlite('case.db');
    migrateSqlite(sqlite);
    expect(await outcomes(async (s, p) => sqlite.prepare(s).run(...p))).toEqual(expected);
    const mysqlCase = await createTestDatabase('parity_case', 'mariadb');
    try {
      await migrateDatabase(mysqlCase.url);
      expect(await outcomes((s, p) => sql(mysqlCase.url, s, p))).toEqual(expected);
    } finally {
      await mysqlCase.drop();
    }
  });

  it('records the same migrations and seeds the same rows', async () => {
    const mysqlMigrations = await sql<{ version: number; name: string }>(mysqlDb.url, 'SELECT version, name FROM schema_migrations ORDER BY version');
    const sqliteMigrations = sqliteDb.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string; applied_at: string }>;
    expect(sqliteMigrations.map((m) => ({ version: m.version, name: m.name }))).toEqual(mysqlMigrations.map((m) => ({ version: Number(m.version), name: m.name })));
    expect(sqliteMigrations.length).toBeGreaterThan(0);
    for (const m of sqliteMigrations) expect(m.applied_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);

    const lease = 'SELECT name, holder, epoch, acquired_at, expires_at FROM scheduler_lease ORDER BY name';
    const mysqlLease = (await sql<Record<string, unknown>>(mysqlDb.url, lease)).map((r) => ({ ...r, epoch: Number(r.epoch) }));
    expect(sqliteDb.prepare(lease).all()).toEqual(mysqlLease);
    expect(mysqlLease).toEqual([{ name: 'leader', holder: null, epoch: 0, acquired_at: null, expires_at: null }]);

    for (const table of sqliteTables(sqliteDb).filter((t) => t !== 'schema_migrations')) {
      const [mysqlCount] = await sql<{ n: number | string }>(mysqlDb.url, `SELECT COUNT(*) AS n FROM ${table}`);
      const sqliteCount = sqliteDb.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number };
      expect({ table, rows: sqliteCount.n }).toEqual({ table, rows: Number(mysqlCount!.n) });
    }
  });
});

describe('migrateSqlite', () => {
  const schemaVersion = readSchema(sqliteSqlDir()).schemaVersion;

  /** A copy of sql/sqlite/ plus extra migrations numbered after the schema version. */
  function sqlCopy(name: string, extra: Record<string, string>): string {
    const dir = join(tempDir, name);
    mkdirSync(join(dir, 'migrations'), { recursive: true });
    copyFileSync(join(sqliteSqlDir(), 'schema.sql'), join(dir, 'schema.sql'));
    for (const m of readMigrations(sqliteSqlDir())) copyFileSync(join(sqliteSqlDir(), 'migrations', m.name), join(dir, 'migrations', m.name));
    for (const [offset, [file, text]] of Object.entries(extra).entries()) {
      writeFileSync(join(dir, 'migrations', `${String(schemaVersion + offset + 1).padStart(4, '0')}_${file}.sql`), text);
    }
    return dir;
  }

  function appliedVersions(db: BetterSqlite3.Database): number[] {
    return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);
  }

  it('applies the schema to a new file once; a second run applies nothing', () => {
    const db = openSqlite('twice.db');
    expect(migrateSqlite(db)).toEqual({ createdDatabase: true, appliedSchema: true, appliedMigrations: [] });
    expect(migrateSqlite(db)).toEqual({ createdDatabase: false, appliedSchema: false, appliedMigrations: [] });
    expect(appliedVersions(db)).toEqual(readMigrations(sqliteSqlDir()).filter((m) => m.version <= schemaVersion).map((m) => m.version));
  });

  it('refuses a file that holds foreign tables, and leaves it as it was', () => {
    const db = openSqlite('foreign.db');
    db.exec('CREATE TABLE something_else (id INTEGER)');
    expect(() => migrateSqlite(db)).toThrow(/has 1 tables but no schema_migrations table; refusing to apply the Baton schema/);
    expect(sqliteTables(db)).toEqual(['something_else']);
  });

  it('waits for another writer: nothing is applied while another connection holds the write lock', () => {
    const holder = openSqlite('locked.db');
    holder.exec('BEGIN IMMEDIATE');
    const waiter = openSqlite('locked.db', { timeout: 50 });
    expect(() => migrateSqlite(waiter)).toThrow(/locked|busy/i);
    holder.exec('ROLLBACK');
    expect(migrateSqlite(waiter).appliedSchema).toBe(true);
    expect(migrateSqlite(holder).appliedSchema).toBe(false);
  });

  it('rolls back every pending migration when one fails, and applies them once fixed', () => {
    const good = 'CREATE TABLE extra_one (id INTEGER NOT NULL PRIMARY KEY);';
    const broken = 'ALTER TABLE jobs ADD COLUMN extra_two INTEGER NULL;\nCREATE TABLE extra_three (id INTEGER NOT NULL PRIMARY KEY,);\n';

    const fresh = openSqlite('broken-fresh.db');
    expect(() => migrateSqlite(fresh, sqlCopy('broken-fresh', { extra_one: good, extra_two: broken }))).toThrow(/syntax error/);
    expect(sqliteTables(fresh)).toEqual([]);

    const existing = openSqlite('broken-existing.db');
    migrateSqlite(existing);
    const before = appliedVersions(existing);
    const dir = sqlCopy('broken-existing', { extra_one: good, extra_two: broken });
    expect(() => migrateSqlite(existing, dir)).toThrow(/syntax error/);
    expect(appliedVersions(existing)).toEqual(before);
    expect(sqliteTables(existing)).not.toContain('extra_one');
    expect((existing.pragma('table_info(jobs)') as Array<{ name: string }>).map((c) => c.name)).not.toContain('extra_two');

    const fixed = sqlCopy('fixed-existing', { extra_one: good, extra_two: broken.replace('PRIMARY KEY,)', 'PRIMARY KEY)') });
    expect(migrateSqlite(existing, fixed).appliedMigrations).toEqual([
      `${String(schemaVersion + 1).padStart(4, '0')}_extra_one.sql`,
      `${String(schemaVersion + 2).padStart(4, '0')}_extra_two.sql`,
    ]);
    expect(sqliteTables(existing)).toEqual(expect.arrayContaining(['extra_one', 'extra_three']));
    expect(appliedVersions(existing)).toEqual([...before, schemaVersion + 1, schemaVersion + 2]);
  });
});
