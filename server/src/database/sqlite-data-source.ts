import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource, EntityManager, type QueryRunner } from 'typeorm';
import { ENTITIES } from './entities.js';
import { registerSqliteUniqueKey } from './sql-errors.js';
import { readSchema, sqliteSqlDir } from './sql-files.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';
import { SqliteSerializer } from './sqlite-serializer.js';
import { SqliteValues } from './sqlite-values.js';

export interface SqliteDataSourceOptions {
  /** A file path, or `:memory:`. */
  file: string;
  /** Applies the schema and pending migrations on the connection as it opens. */
  migrate?: (db: BetterSqlite3.Database) => void;
}

/** How long a statement waits for another process's write lock on the same file. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The TypeORM data source on an embedded SQLite file (one server node). The schema comes from
 * sql/sqlite/ (never `synchronize`); openSqliteDataSource opens and serializes it.
 */
function createSqliteDataSource(opts: SqliteDataSourceOptions): DataSource {
  registerUniqueKeys();
  if (opts.file !== ':memory:') ensureFolder(dirname(opts.file));
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: opts.file,
    entities: ENTITIES,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    statementCacheSize: 500,
    logging: false,
    prepareDatabase: (db: BetterSqlite3.Database) => {
      // WAL lets readers in other processes (backups, sqlite3 shell) work during writes; FULL
      // syncs every commit, so an accepted run survives a power cut, not just a crash.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      opts.migrate?.(db);
    },
  });
  // The entities declare the MySQL types of sql/schema.sql; SQLite stores these as TEXT anyway.
  const driver = ds.driver as unknown as { supportedDataTypes: string[]; withLengthColumnTypes: string[] };
  driver.supportedDataTypes.push('char', 'mediumtext');
  driver.withLengthColumnTypes.push('char');
  return ds;
}

function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`Cannot create ${dir} for the embedded database (${reason}): point DATABASE_URL=sqlite:<path> at a writable place, or use mysql://…`);
  }
}

/** Creates, opens (migrating it when `opts.migrate` is given) and serializes the embedded database. */
export async function openSqliteDataSource(opts: SqliteDataSourceOptions): Promise<DataSource> {
  const ds = createSqliteDataSource(opts);
  await ds.initialize().catch((error: unknown) => {
    throw new Error(`Cannot open the embedded database ${opts.file}: ${(error as Error).message}`, { cause: error });
  });
  serializeSqliteAccess(ds);
  return ds;
}

/** Statements TypeORM routes through the entity manager; each becomes one unit of work. */
const MANAGER_WORK = [
  'transaction', 'query', 'save', 'remove', 'softRemove', 'recover', 'insert', 'update', 'upsert', 'delete', 'softDelete', 'restore',
  'exists', 'existsBy', 'count', 'countBy', 'sum', 'average', 'minimum', 'maximum', 'find', 'findBy', 'findAndCount', 'findAndCountBy',
  'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'clear', 'increment', 'decrement', 'preload', 'updateAll', 'deleteAll',
] as const;

/**
 * Makes the initialized SQLite data source safe for concurrent callers (see SqliteSerializer),
 * has its transactions take the write lock up front (BEGIN IMMEDIATE: a read-then-write
 * transaction cannot then fail midway because another process wrote the file), and has raw
 * statements speak mysql2's value conventions (see SqliteValues).
 */
function serializeSqliteAccess(ds: DataSource): void {
  const serializer = new SqliteSerializer();
  const values = new SqliteValues(ds);
  const runner = ds.driver.createQueryRunner('master');
  const query = runner.query.bind(runner) as (sql: string, parameters?: unknown[], structured?: boolean) => Promise<any>;
  runner.query = ((sql: string, parameters?: unknown[], structured?: boolean) =>
    serializer.run(async () => {
      if (structured) return query(sql, parameters, true);
      const [text, bound] = values.bind(beginImmediate(sql), parameters);
      return values.result(await query(text, bound, true));
    })) as QueryRunner['query'];
  const manager = ds.manager as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of MANAGER_WORK) {
    const method = (EntityManager.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name]!;
    manager[name] = function (this: unknown, ...args: unknown[]) {
      return serializer.run(() => method.apply(this, args));
    };
  }
}

function beginImmediate(sql: string): string {
  return sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql;
}

/** Tells isDuplicateKey which columns each named unique key of sql/sqlite/schema.sql covers. */
function registerUniqueKeys(): void {
  for (const statement of readSchema(sqliteSqlDir()).statements) {
    const m = /^CREATE UNIQUE INDEX (\w+) ON (\w+) \(([^)]+)\)/i.exec(statement);
    if (m) registerSqliteUniqueKey(m[1]!, m[2]!, m[3]!.split(',').map((c) => c.trim()));
  }
}
