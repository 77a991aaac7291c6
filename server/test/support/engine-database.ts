import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source.js';
import { DatabaseInfo } from '../../src/database/database-info.js';
import { databaseTarget } from '../../src/database/database-url.js';
import { inspectServer, migrateDatabase } from '../../src/database/migrator.js';
import { openSqliteDataSource } from '../../src/database/sqlite-data-source.js';
import { migrateSqlite } from '../../src/database/sqlite-migrator.js';
import { createTestDatabase, type TestDatabase, type TestEngine } from './test-database.js';

/** A migrated, connected database on one engine, for tests that drive repositories directly. */
export interface EngineDatabase {
  engine: TestEngine;
  db: TestDatabase;
  dataSource: DataSource;
  info: DatabaseInfo;
  close(): Promise<void>;
}

/** Opens a fresh database on `engine`, connected the way the server connects (DatabaseModule). */
export async function openEngineDatabase(engine: TestEngine, label: string): Promise<EngineDatabase> {
  const db = await createTestDatabase(label, engine);
  const target = databaseTarget(db.url);
  let dataSource: DataSource;
  let info: DatabaseInfo;
  if (target.engine === 'sqlite') {
    dataSource = await openSqliteDataSource({ file: target.file, migrate: (conn) => migrateSqlite(conn) });
    info = new DatabaseInfo('sqlite', true);
  } else {
    await migrateDatabase(db.url);
    const server = await inspectServer(db.url);
    info = new DatabaseInfo(server.flavor, server.autoIncLockMode !== 2);
    dataSource = createDataSource({ databaseUrl: db.url, poolSize: 4, flavor: server.flavor });
    await dataSource.initialize();
  }
  return {
    engine,
    db,
    dataSource,
    info,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    },
  };
}
