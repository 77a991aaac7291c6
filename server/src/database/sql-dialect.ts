import type { DataSource, EntityManager } from 'typeorm';

export type DatabaseEngine = 'mysql' | 'sqlite';

/** The engine behind a DataSource or an EntityManager (a transaction's too). */
export function engineOf(db: DataSource | EntityManager): DatabaseEngine {
  const source = 'connection' in db ? db.connection : db;
  return source.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/**
 * The SQL fragments that differ between MySQL/MariaDB and SQLite. Repositories write one
 * statement where both engines agree and take only the differing pieces from here, or, where the
 * statements differ in shape, choose between two whole statements by `engine`. Every fragment
 * keeps its arguments in the order given, so `?` placeholders inside them bind as written. Times are
 * DATETIME(3) in MySQL and 'YYYY-MM-DD HH:MM:SS.SSS' UTC text in SQLite (text order is time order).
 */
export interface SqlDialect {
  readonly engine: DatabaseEngine;
  /** The database's current time, to the millisecond. */
  now(): string;
  /** `time` plus `ms` milliseconds (both SQL expressions; `ms` may be negative). */
  plusMs(time: string, ms: string): string;
  /** The UTC date a time falls on, as 'YYYY-MM-DD' text (times are stored in UTC on both engines). */
  utcDateOf(time: string): string;
  /**
   * Suffix that locks the selected rows until the transaction ends. SQLite needs none: its write
   * transactions run one at a time (BEGIN IMMEDIATE, and one at a time in the process).
   */
  forUpdate(): string;
  /** Suffix that share-locks the selected rows until the transaction ends (none in SQLite, as above). */
  forShare(): string;
  /**
   * The tail of an upsert: on a collision with the unique key over `keyColumns`, apply `assignments`
   * (with plain parameters for new values: MySQL 8.0.20+ deprecates VALUES(col), and its
   * replacement `AS new` is not in MariaDB).
   */
  onConflictUpdate(keyColumns: readonly string[], assignments: string): string;
  /**
   * The tail of an insert that keeps the existing row on a collision with the unique key over
   * `keyColumns` and reports no new row (`insertId` 0), while any other constraint still fails.
   * MySQL: a no-op update; SQLite: DO NOTHING (unlike INSERT OR IGNORE, which skips every error).
   */
  onConflictKeep(keyColumns: readonly string[]): string;
  /**
   * A `DELETE` of at most `?` (the last parameter) rows of `table` matching `where`, in `order`
   * when given, for janitors that prune in small batches. MySQL: `DELETE … LIMIT`. SQLite takes
   * that only when built with SQLITE_ENABLE_UPDATE_DELETE_LIMIT, so there the rows go by `key`
   * (the primary key, or rowid) from the same limited SELECT, which reads the same index range.
   */
  deleteAtMost(table: string, key: string, where: string, order?: string): string;
  /** The larger / smaller of SQL expressions. */
  greatest(...exprs: string[]): string;
  least(...exprs: string[]): string;
}

const orderBy = (order: string | undefined) => (order ? ` ORDER BY ${order}` : '');

const MYSQL: SqlDialect = {
  engine: 'mysql',
  now: () => 'NOW(3)',
  plusMs: (time, ms) => `(${time} + INTERVAL (${ms}) * 1000 MICROSECOND)`,
  utcDateOf: (time) => `DATE_FORMAT(${time}, '%Y-%m-%d')`,
  forUpdate: () => ' FOR UPDATE',
  forShare: () => ' LOCK IN SHARE MODE',
  onConflictUpdate: (_keyColumns, assignments) => `ON DUPLICATE KEY UPDATE ${assignments}`,
  onConflictKeep: (keyColumns) => `ON DUPLICATE KEY UPDATE ${keyColumns[0]} = ${keyColumns[0]}`,
  deleteAtMost: (table, _key, where, order) => `DELETE FROM ${table} WHERE ${where}${orderBy(order)} LIMIT ?`,
  greatest: (...exprs) => `GREATEST(${exprs.join(', ')})`,
  least: (...exprs) => `LEAST(${exprs.join(', ')})`,
};

const SQLITE_TIME = "'%Y-%m-%d %H:%M:%f'";

const SQLITE: SqlDialect = {
  engine: 'sqlite',
  now: () => `strftime(${SQLITE_TIME}, 'now')`,
  plusMs: (time, ms) => `strftime(${SQLITE_TIME}, ${time}, printf('%+.3f seconds', (${ms}) / 1000.0))`,
  utcDateOf: (time) => `substr(${time}, 1, 10)`,
  forUpdate: () => '',
  forShare: () => '',
  onConflictUpdate: (keyColumns, assignments) => `ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${assignments}`,
  onConflictKeep: (keyColumns) => `ON CONFLICT (${keyColumns.join(', ')}) DO NOTHING`,
  deleteAtMost: (table, key, where, order) => `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where}${orderBy(order)} LIMIT ?)`,
  greatest: (...exprs) => `max(${exprs.join(', ')})`,
  least: (...exprs) => `min(${exprs.join(', ')})`,
};

export function sqlDialect(engine: DatabaseEngine): SqlDialect {
  return engine === 'sqlite' ? SQLITE : MYSQL;
}

/** The dialect of a DataSource or EntityManager. */
export function dialectOf(db: DataSource | EntityManager): SqlDialect {
  return sqlDialect(engineOf(db));
}
