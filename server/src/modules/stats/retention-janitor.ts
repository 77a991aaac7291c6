import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { isFinal } from '../runs/run-status.js';
import type { LeaderTerm } from '../scheduler/leader-duty.js';
import { PeriodicDuty } from '../scheduler/periodic-duty.js';
import { RetentionRepository, type CreatedCursor, type RunCandidate } from './retention.repository.js';
import { DAY_MS } from './stats-buckets.js';

/** Scans (each followed by at most a few short delete transactions) of runs per pass; the rest waits for the next pass. */
export const RUN_BATCHES_PER_PASS = 50;
/** Scans or deletes per pass for each of: orphaned log chunks, alerts, rollup rows. */
export const OTHER_BATCHES_PER_PASS = 10;
/** Rollups are kept at least this long (a year of day buckets, and /stats allows 400 days), or longer when RETENTION_DAYS is. */
export const ROLLUP_MIN_DAYS = 400;
/** Alerts are kept at least this long: suppression looks back up to 7 days for the last alert of a job, kind and channel. */
export const ALERT_MIN_KEEP_MS = 8 * DAY_MS;
/** The pause after a batch that deleted something, so other work gets the rows, locks and I/O in between. */
export const BATCH_PAUSE_MS = 50;
/** A batch's runs are deleted in groups of at most this many log chunks (times the batch size) per transaction. */
const LOG_CHUNKS_PER_RUN_IN_BATCH = 10;

export interface RetentionResult {
  runs: number;
  logChunks: number;
  orphanLogChunks: number;
  alerts: number;
  rollups: number;
  /** Scans and deletes this pass made (each bounded by RETENTION_BATCH_SIZE rows). */
  batches: number;
}

interface Budget {
  left: number;
}

type Term = Pick<LeaderTerm, 'nodeId' | 'epoch'>;

/**
 * Leader duty: deletes what is past its retention, a little at a time.
 *
 * - **Runs** that have ended (never SCHEDULED, DISPATCHED or RUNNING), created and finished
 *   before the cutoff — `RETENTION_DAYS`, or the job's own `retention_days`, shorter or longer —
 *   together with their log chunks, in the same transaction. A run whose chain is still open (a
 *   retry or shard of it, or its root, is still going) stays until the chain has ended; see
 *   RetentionRepository.deleteRuns. "Finished before the cutoff" keeps a run that was created
 *   long ago but ran only now (a trigger with a far runAt) for the full period after its end.
 * - **Orphaned log chunks** (their run is gone) older than the global cutoff.
 * - **Alerts** older than the global cutoff (but at least ALERT_MIN_KEEP_MS), unless pending.
 * - **Rollup rows** older than max(400 days, RETENTION_DAYS).
 *
 * How runs are found. Jobs without an override: one walk over idx_runs_created (created_at)
 * from the oldest run up to the global cutoff, in (created_at, id) keyset batches; runs of jobs
 * with an override are skipped there. Jobs with an override: a walk per job over idx_runs_job
 * (job_id, id) from its oldest run up to its first run newer than its cutoff. Runs a walk must
 * keep (open, or a longer override) are stepped over by the cursor, never re-read within a
 * walk, so each batch reads at most RETENTION_BATCH_SIZE index entries whatever lies before the
 * cutoff. A walk's cursor survives from pass to pass; when a walk reaches its cutoff it starts
 * over from the oldest run on the next pass (finding what ended or was unblocked since).
 *
 * Bounded work: a pass makes at most RUN_BATCHES_PER_PASS run batches (at most half of them for
 * the per-job walks, which resume with the next job where they stopped) and
 * OTHER_BATCHES_PER_PASS for each other kind, with a short pause after every batch that
 * deleted something; a large backlog is worked off over several passes, never in one long
 * transaction. Every delete is fenced: a deposed leader deletes nothing (LeaseLostError ends the
 * pass and leadership steps down). A stop() ends the pass after the current batch.
 */
@Injectable()
export class RetentionJanitor extends PeriodicDuty {
  readonly name = 'retention-janitor';
  protected readonly logger = new Logger('RetentionJanitor');
  /** The pause after a batch that deleted rows; tests may shorten it. */
  batchPauseMs = BATCH_PAUSE_MS;
  private stopping = false;
  private pauseBeforeNext = false;
  private batches = 0;
  private runCursor: CreatedCursor | null = null;
  private chunkCursor: CreatedCursor | null = null;
  /** Per job with an override: the last run id its walk examined. */
  private readonly jobCursors = new Map<string, string>();
  /** The job whose walk the previous pass stopped in, for lack of budget. */
  private resumeJobId: string | null = null;

  constructor(
    private readonly repo: RetentionRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.retentionIntervalMs;
  }

  override start(term: LeaderTerm): void {
    this.stopping = false;
    this.runCursor = null;
    this.chunkCursor = null;
    this.jobCursors.clear();
    this.resumeJobId = null;
    super.start(term);
  }

  override async stop(): Promise<void> {
    this.stopping = true;
    await super.stop();
  }

  /** One pass, fenced by `term`; public so tests drive it. */
  async runOnce(term: Term): Promise<RetentionResult> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    const result: RetentionResult = { runs: 0, logChunks: 0, orphanLogChunks: 0, alerts: 0, rollups: 0, batches: 0 };
    this.batches = 0;
    this.pauseBeforeNext = false;

    const overrides = await this.repo.overrideJobs();
    const runBudget: Budget = { left: RUN_BATCHES_PER_PASS };
    const jobBudget: Budget = { left: Math.floor(RUN_BATCHES_PER_PASS / 2) };
    await this.purgeOverrideJobs(term, now, overrides, jobBudget, result);
    runBudget.left -= Math.floor(RUN_BATCHES_PER_PASS / 2) - jobBudget.left;
    await this.purgeRuns(term, cutoff, new Set(overrides.map((j) => j.id)), runBudget, result);
    await this.purgeOrphanLogChunks(term, cutoff, { left: OTHER_BATCHES_PER_PASS }, result);
    const alertCutoff = new Date(Math.min(cutoff.getTime(), now.getTime() - ALERT_MIN_KEEP_MS));
    await this.purgeUntilShort({ left: OTHER_BATCHES_PER_PASS }, () => this.repo.deleteAlertsBefore(term, alertCutoff, this.config.retentionBatchSize), (n) => (result.alerts += n));
    const rollupCutoff = new Date(now.getTime() - Math.max(ROLLUP_MIN_DAYS, this.config.retentionDays) * DAY_MS);
    await this.purgeUntilShort({ left: OTHER_BATCHES_PER_PASS }, () => this.repo.deleteRollupsBefore(term, rollupCutoff, this.config.retentionBatchSize), (n) => (result.rollups += n));

    result.batches = this.batches;
    const deleted = result.runs + result.orphanLogChunks + result.alerts + result.rollups;
    if (deleted > 0) {
      this.logger.log(`Deleted ${result.runs} run(s) with ${result.logChunks} log chunk(s), ${result.orphanLogChunks} orphaned log chunk(s), ${result.alerts} alert(s), ${result.rollups} rollup row(s) in ${result.batches} batch(es)`);
    }
    return result;
  }

  /** Per-job walks (idx_runs_job), for jobs whose own retention_days replaces the global one. */
  private async purgeOverrideJobs(term: Term, now: Date, jobs: Array<{ id: string; retentionDays: number }>, budget: Budget, result: RetentionResult): Promise<void> {
    const overridden = new Set(jobs.map((j) => j.id));
    for (const id of this.jobCursors.keys()) if (!overridden.has(id)) this.jobCursors.delete(id);
    if (jobs.length === 0) return;
    const resumeAt = this.resumeJobId === null ? 0 : jobs.findIndex((j) => BigInt(j.id) >= BigInt(this.resumeJobId!));
    const order = resumeAt > 0 ? [...jobs.slice(resumeAt), ...jobs.slice(0, resumeAt)] : jobs;
    this.resumeJobId = null;
    const size = this.config.retentionBatchSize;
    for (const job of order) {
      const cutoff = new Date(now.getTime() - job.retentionDays * DAY_MS);
      for (;;) {
        if (!(await this.nextBatch(budget))) {
          this.resumeJobId = job.id;
          return;
        }
        const rows = await this.repo.runsOfJob(job.id, this.jobCursors.get(job.id) ?? '0', size);
        const newer = rows.findIndex((r) => r.createdAt.getTime() >= cutoff.getTime());
        const old = newer === -1 ? rows : rows.slice(0, newer);
        await this.deleteRuns(term, old.filter((r) => deletable(r, cutoff)), result);
        if (newer !== -1 || rows.length < size) {
          this.jobCursors.delete(job.id); // reached the cutoff (or the job's newest run): start over next pass
          break;
        }
        this.jobCursors.set(job.id, old.at(-1)!.id);
      }
    }
  }

  /** The walk over idx_runs_created for every job without an override (and runs of deleted jobs). */
  private async purgeRuns(term: Term, cutoff: Date, overridden: Set<string>, budget: Budget, result: RetentionResult): Promise<void> {
    const size = this.config.retentionBatchSize;
    while (await this.nextBatch(budget)) {
      const rows = await this.repo.runsCreatedBefore(cutoff, this.runCursor, size);
      await this.deleteRuns(term, rows.filter((r) => !overridden.has(r.jobId) && deletable(r, cutoff)), result);
      if (rows.length < size) {
        this.runCursor = null; // reached the cutoff: start over from the oldest next pass
        return;
      }
      const last = rows.at(-1)!;
      this.runCursor = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** Deletes candidates in groups small enough in log chunks (a run may have hundreds), one transaction per group. */
  private async deleteRuns(term: Term, candidates: RunCandidate[], result: RetentionResult): Promise<void> {
    const maxChunks = this.config.retentionBatchSize * LOG_CHUNKS_PER_RUN_IN_BATCH;
    let group: string[] = [];
    let chunks = 0;
    const flush = async () => {
      if (group.length === 0) return;
      const deleted = await this.repo.deleteRuns(term, group);
      result.runs += deleted.runs;
      result.logChunks += deleted.logChunks;
      if (deleted.runs > 0) this.pauseBeforeNext = true;
      group = [];
      chunks = 0;
    };
    for (const run of candidates) {
      if (group.length > 0 && chunks + run.logSeq > maxChunks) {
        await flush();
        await this.pause();
      }
      group.push(run.id);
      chunks += run.logSeq;
    }
    await flush();
  }

  private async purgeOrphanLogChunks(term: Term, cutoff: Date, budget: Budget, result: RetentionResult): Promise<void> {
    const size = this.config.retentionBatchSize;
    while (await this.nextBatch(budget)) {
      const rows = await this.repo.logChunksCreatedBefore(cutoff, this.chunkCursor, size);
      const existing = await this.repo.existingRunIds([...new Set(rows.map((r) => r.runId))]);
      const orphans = rows.filter((r) => !existing.has(r.runId)).map((r) => r.id);
      const deleted = await this.repo.deleteOrphanLogChunks(term, orphans);
      result.orphanLogChunks += deleted;
      if (deleted > 0) this.pauseBeforeNext = true;
      if (rows.length < size) {
        this.chunkCursor = null;
        return;
      }
      const last = rows.at(-1)!;
      this.chunkCursor = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** Repeats a `DELETE … ORDER BY … LIMIT batch` until it deletes less than a batch (or the budget is spent). */
  private async purgeUntilShort(budget: Budget, deleteBatch: () => Promise<number>, add: (n: number) => void): Promise<void> {
    while (await this.nextBatch(budget)) {
      const n = await deleteBatch();
      add(n);
      if (n > 0) this.pauseBeforeNext = true;
      if (n < this.config.retentionBatchSize) return;
    }
  }

  /** Takes one batch from `budget`; false when it is spent or the duty is stopping. Pauses first if the last batch deleted. */
  private async nextBatch(budget: Budget): Promise<boolean> {
    if (this.stopping || budget.left <= 0) return false;
    if (this.pauseBeforeNext) await this.pause();
    budget.left--;
    this.batches++;
    return true;
  }

  private async pause(): Promise<void> {
    this.pauseBeforeNext = false;
    if (this.batchPauseMs > 0) await sleep(this.batchPauseMs);
  }
}

/** Ended, and ended before the cutoff (a run without finished_at counts from its creation). */
function deletable(run: RunCandidate, cutoff: Date): boolean {
  return isFinal(run.status) && (run.finishedAt ?? run.createdAt).getTime() < cutoff.getTime();
}
