import type { BenchContext } from './context.js';
import { select, writeWithRetry } from './database.js';
import { waitFor } from './wait.js';

/** Waits until the jobs in `range` have at most `atMost` runs not yet ended. */
export async function waitForOpenRuns(ctx: BenchContext, range: { firstId: string; lastId: string }, atMost: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => {
    const [row] = await select<{ n: number }>(ctx.db.pool, "SELECT COUNT(*) AS n FROM runs WHERE status IN ('SCHEDULED', 'DISPATCHED', 'RUNNING') AND job_id BETWEEN ? AND ?", [range.firstId, range.lastId]);
    return Number(row!.n) <= atMost;
  }, { timeoutMs, intervalMs: 200, message: 'open runs drain' });
}

/**
 * Distinct planned fires (job, fire time) recorded for the jobs in `range` with fire times in
 * [from, to), and how many of them the misfire policy ended SKIPPED (too late to run).
 */
export async function plannedFires(ctx: BenchContext, range: { firstId: string; lastId: string }, from: number, to: number): Promise<{ planned: number; skipped: number }> {
  const [row] = await select<{ n: number; skipped: number }>(ctx.db.pool, "SELECT COUNT(DISTINCT job_id, fire_time) AS n, COUNT(DISTINCT CASE WHEN status = 'SKIPPED' THEN CONCAT(job_id, '@', fire_time) END) AS skipped FROM runs WHERE job_id BETWEEN ? AND ? AND fire_time >= ? AND fire_time < ?", [range.firstId, range.lastId, new Date(from), new Date(to)]);
  return { planned: Number(row!.n), skipped: Number(row!.skipped) };
}

/**
 * Ends a repetition's backlog: runs of `range` not yet sent are cancelled straight in the database
 * (the dispatcher's claim is a guarded UPDATE, so it skips them), then those in flight may finish.
 */
export async function cancelBacklog(ctx: BenchContext, range: { firstId: string; lastId: string }): Promise<void> {
  await writeWithRetry(ctx.db.pool, "UPDATE runs SET status = 'CANCELLED', status_reason = 'bench: repetition over', finished_at = NOW(3) WHERE status = 'SCHEDULED' AND job_id BETWEEN ? AND ?", [range.firstId, range.lastId]);
  await waitForOpenRuns(ctx, range, 0, 30_000).catch(() => ctx.log('  (some runs of the repetition were still open after 30 s)'));
}
