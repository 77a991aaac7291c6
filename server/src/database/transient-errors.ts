/** MySQL errors a statement can hit through no fault of its own, and that succeed when retried. */
const TRANSIENT = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);

/** SQLite's: another process holds the file's write lock past busy_timeout. */
const SQLITE_TRANSIENT = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']);

export function isTransientSqlError(error: unknown): boolean {
  const e = error as { errno?: number; code?: string; driverError?: { errno?: number; code?: string } };
  if (SQLITE_TRANSIENT.has(e?.driverError?.code ?? e?.code ?? '')) return true;
  return TRANSIENT.has(e?.errno ?? e?.driverError?.errno ?? -1);
}

/**
 * Runs `fn`, retrying a deadlock or lock-wait timeout a few times with a short random pause.
 * Concurrent run updates (reports, heartbeats, claims) can deadlock on InnoDB's secondary index
 * locks; the loser is rolled back and simply tries again.
 */
export async function retryTransient<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts || !isTransientSqlError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * i));
    }
  }
}
