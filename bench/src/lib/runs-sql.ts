import type { BenchContext } from './context.js';
import { waitFor } from './wait.js';

/** Waits until the jobs in `range` have at most `atMost` runs not yet ended. */
export async function waitForOpenRuns(ctx: BenchContext, range: { firstId: string; lastId: string }, atMost: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => {
    const [row] = await ctx.db.select<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE status IN ('SCHEDULED', 'DISPATCHED', 'RUNNING') AND job_id BETWEEN ? AND ?", [range.firstId, range.lastId]);
    return Number(row!.n) <= atMost;
  }, { timeoutMs, intervalMs: 200, message: 'open runs drain' });
}

/**
 * Distinct planned fires (job, fire time) recorded for the jobs in `range` with fire times in
 * [from, to), and how many of them the misfire policy ended SKIPPED (too late to run). One row
 * per fire by GROUP BY, which both engines read alike (SQLite has no multi-column COUNT(DISTINCT)).
 */
export async function plannedFires(ctx: BenchContext, range: { firstId: string; lastId: string }, from: number, to: number): Promise<{ planned: number; skipped: number }> {
  const [row] = await ctx.db.select<{ n: number; skipped: number | string | null }>(
    "SELECT COUNT(*) AS n, SUM(skipped) AS skipped FROM (SELECT MAX(CASE WHEN status = 'SKIPPED' THEN 1 ELSE 0 END) AS skipped FROM runs WHERE job_id BETWEEN ? AND ? AND fire_time >= ? AND fire_time < ? GROUP BY job_id, fire_time) AS fires",
    [range.firstId, range.lastId, new Date(from), new Date(to)],
  );
  return { planned: Number(row!.n), skipped: Number(row!.skipped ?? 0) };
}

/**
 * Ends a repetition's backlog: runs of `range` not yet sent are cancelled straight in the database
 * (the dispatcher's claim is a guarded UPDATE, so it skips them), then those in flight may finish.
 */
export async function cancelBacklog(ctx: BenchContext, range: { firstId: string; lastId: string }): Promise<void> {
  await ctx.db.write("UPDATE runs SET status = 'CANCELLED', status_reason = 'bench: repetition over', finished_at = ? WHERE status = 'SCHEDULED' AND job_id BETWEEN ? AND ?", [new Date(), range.firstId, range.lastId]);
  await waitForOpenRuns(ctx, range, 0, 30_000).catch(() => ctx.log('  (some runs of the repetition were still open after 30 s)'));
}
