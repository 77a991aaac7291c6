import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { retryTransient } from '../../database/transient-errors.js';
import { retryOf } from '../jobs/job-settings.js';
import { BatonMetrics } from '../metrics/baton-metrics.js';
import type { RunEntity } from '../runs/run.entity.js';
import { RunEvents } from '../runs/run-events.js';
import type { FenceToken } from '../scheduler/lease-fence.js';
import { RetriesRepository } from './retries.repository.js';
import { isFailure, nextAttemptDecision } from './retry-policy.js';

export type PlanOutcome = { kind: 'retry'; runId: string; dueAt: Date } | { kind: 'dead'; why: string } | { kind: 'none' };

/**
 * Decides what follows the end of a run: the next attempt after its backoff, the dead-letter
 * list, or nothing. Runs on whichever node recorded the end (RunEvents), right after it
 * committed; the leader's RetrySweeper catches an end whose planning was lost to a crash.
 * Planning twice is harmless: the next attempt is inserted once (uq_runs_attempt) and marking
 * dead is guarded.
 */
@Injectable()
export class RetryPlanner {
  constructor(
    private readonly retries: RetriesRepository,
    private readonly events: RunEvents,
    private readonly clock: Clock,
    private readonly metrics: BatonMetrics,
  ) {
    events.onRunEnded(async (run) => {
      await this.plan(run);
    });
  }

  /** `fence`: the sweeper plans as the leader, so its writes commit only while the lease is held. */
  async plan(run: RunEntity, fence?: FenceToken): Promise<PlanOutcome> {
    // Successes, cancels and skips need nothing, and cost no query.
    if (!isFailure(run.status)) return { kind: 'none' };
    const job = await retryTransient(() => this.retries.findJob(run.jobId));
    if (!job) return this.bury(run, 'its job was deleted', fence);
    const policy = retryOf(job);
    const decision = nextAttemptDecision(run, policy);
    if (decision.retry) return this.retry(run, decision.delayMs, policy.maxAttempts, fence);
    return decision.dead ? this.bury(run, decision.why, fence) : { kind: 'none' };
  }

  private async retry(run: RunEntity, delayMs: number, maxAttempts: number, fence?: FenceToken): Promise<PlanOutcome> {
    const now = this.clock.now();
    const attempt = run.attempt + 1;
    // From the end, not from now: a retry the sweeper plans late is not delayed a second time.
    const dueAt = new Date((run.finishedAt ?? now).getTime() + delayMs);
    const reason = `retry of run ${run.id} (attempt ${attempt} of ${maxAttempts}) after ${delayMs} ms backoff`;
    const { id, created } = await retryTransient(() => this.retries.insertAttempt({ from: run, attempt, dueAt, reason }, now, fence));
    if (created) this.metrics.retriesScheduled.inc();
    this.events.runsChanged([id]); // wakes this node's dispatcher (other leaders find it on their next poll)
    return { kind: 'retry', runId: id, dueAt };
  }

  private async bury(run: RunEntity, why: string, fence?: FenceToken): Promise<PlanOutcome> {
    await retryTransient(() => this.retries.markDead(run.id, why, this.clock.now(), fence));
    return { kind: 'dead', why };
  }
}
