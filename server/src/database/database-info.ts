import type { EntityManager } from 'typeorm';
import type { DatabaseFlavor } from './migrator.js';
import { sqlDialect, type DatabaseEngine, type SqlDialect } from './sql-dialect.js';

/** Facts about the connected database that a repository may need to pick its SQL. */
export class DatabaseInfo {
  constructor(
    readonly flavor: DatabaseFlavor | 'sqlite',
    /**
     * innodb_autoinc_lock_mode 0 or 1: one multi-row INSERT gets consecutive ids, so the ids of a
     * batch follow from the first. Mode 2 (MySQL 8's default) may interleave them with other
     * inserts, and batches must learn their ids another way.
     */
    readonly consecutiveBatchIds: boolean,
  ) {}

  get engine(): DatabaseEngine {
    return this.flavor === 'sqlite' ? 'sqlite' : 'mysql';
  }

  get sql(): SqlDialect {
    return sqlDialect(this.engine);
  }
}

/**
 * Bounds how long the lease and trigger transactions wait for, and may sit on, the lease row's
 * lock. A node paused inside such a transaction (GC, SIGSTOP, VM freeze) would otherwise keep the
 * lock and block every takeover until its connection died: MariaDB's idle_transaction_timeout
 * makes the server end such a transaction, releasing the lock. (MySQL has no equivalent; there
 * the lock goes when the connection does, see docs/operations.md.)
 */
export async function withBoundedLeaseLocks<T>(m: EntityManager, info: DatabaseInfo, seconds: number, fn: () => Promise<T>): Promise<T> {
  // SQLite: one node, transactions one at a time; there is no other holder to wait for.
  if (info.engine === 'sqlite') return fn();
  const s = Math.max(1, Math.ceil(seconds));
  await m.query('SET SESSION innodb_lock_wait_timeout = ?', [s]);
  if (info.flavor === 'mariadb') await m.query('SET SESSION idle_transaction_timeout = ?', [s]);
  try {
    return await fn();
  } finally {
    // The pooled connection goes on to serve other statements: give them the defaults back.
    await m.query('SET SESSION innodb_lock_wait_timeout = DEFAULT');
    if (info.flavor === 'mariadb') await m.query('SET SESSION idle_transaction_timeout = DEFAULT');
  }
}
