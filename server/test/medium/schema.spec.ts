import { afterAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { detectFlavor, migrateDatabase } from '../../src/database/migrator.js';
import { createDataSource } from '../../src/database/data-source.js';
import { readSchema } from '../../src/database/sql-files.js';
import { parseDatabaseUrl } from '../../src/database/database-url.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const dbs: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

describe('sql/schema.sql', () => {
  it('applies to an empty database and the TypeORM entities match it exactly (no drift)', async () => {
    const db = await createTestDatabase('schema');
    dbs.push(db);
    const report = await migrateDatabase(db.url);
    expect(report.appliedSchema).toBe(true);

    const ds = createDataSource({ databaseUrl: db.url, poolSize: 2, flavor: await detectFlavor(db.url) });
    await ds.initialize();
    try {
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      const schemaTables = readSchema()
        .statements.map((s) => /^CREATE TABLE (\w+)/.exec(s)?.[1])
        .filter((t): t is string => Boolean(t))
        .sort();
      expect(ds.entityMetadatas.map((m) => m.tableName).sort()).toEqual(schemaTables);
    } finally {
      await ds.destroy();
    }
  });

  it('a second start applies nothing, and concurrent first starts apply the schema once', async () => {
    const db = await createTestDatabase('schema_race');
    dbs.push(db);
    const reports = await Promise.all([migrateDatabase(db.url), migrateDatabase(db.url), migrateDatabase(db.url)]);
    expect(reports.filter((r) => r.appliedSchema)).toHaveLength(1);
    const again = await migrateDatabase(db.url);
    expect(again).toEqual({ createdDatabase: false, appliedSchema: false, appliedMigrations: [] });
  });

  it('creates the database when it is missing', async () => {
    const db = await createTestDatabase('schema_create');
    dbs.push(db);
    const server = parseDatabaseUrl(db.url);
    const conn = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
    await conn.query(`DROP DATABASE \`${db.name}\``);
    await conn.end();
    const report = await migrateDatabase(db.url);
    expect(report.createdDatabase).toBe(true);
    expect(report.appliedSchema).toBe(true);
  });

  it('refuses to apply the schema over a database that holds foreign tables', async () => {
    const db = await createTestDatabase('schema_foreign');
    dbs.push(db);
    const server = parseDatabaseUrl(db.url);
    const conn = await mysql.createConnection({ ...server });
    await conn.query('CREATE TABLE something_else (id INT)');
    await conn.end();
    await expect(migrateDatabase(db.url)).rejects.toThrow(/refusing to apply the Baton schema/);
  });
});
