import type { DataSource, EntityManager } from 'typeorm';
import { engineOf } from './sql-dialect.js';

/**
 * Runs `fn` in a transaction while holding a named lock, for changes whose check spans
 * many rows (like the job graph's cycle check) and so cannot be guarded by one row's lock.
 */
export async function inTransactionWithNamedLock<T>(dataSource: DataSource, lockName: string, fn: (manager: EntityManager) => Promise<T>, timeoutS = 10): Promise<T> {
  // SQLite runs one write transaction at a time (in the process and, by BEGIN IMMEDIATE, in the file).
  if (engineOf(dataSource) === 'sqlite') return dataSource.transaction(fn);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const rows: Array<{ got: number | null }> = await runner.query('SELECT GET_LOCK(?, ?) AS got', [lockName, timeoutS]);
    if (rows[0]?.got !== 1) throw new Error(`Timed out after ${timeoutS}s waiting for lock ${lockName}`);
    try {
      await runner.startTransaction();
      try {
        const result = await fn(runner.manager);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      }
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [lockName]);
    }
  } finally {
    await runner.release();
  }
}
