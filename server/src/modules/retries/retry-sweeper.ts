import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { RunEntity } from '../runs/run.entity.js';
import { LeaseLostError, type LeaderTerm } from '../scheduler/leader-duty.js';
import { PeriodicDuty } from '../scheduler/periodic-duty.js';
import { RetriesRepository } from './retries.repository.js';
import { RetryPlanner } from './retry-planner.js';

const SWEEP_MS = 30_000;
/** A run that ended this recently is left to the planner, which normally runs right after the end. */
export const SWEEP_GRACE_MS = 10_000;
/** The farthest back a pass looks (by creation): bounds the scan when something pins the floor. */
export const SWEEP_LOOKBACK_MS = 24 * 3_600_000;
/** Ids are handed out before a transaction commits; no run insert stays uncommitted this long. */
const UNCOMMITTED_MARGIN_MS = 5 * 60_000;
const BATCH = 500;

export interface SweepResult {
  retried: number;
  dead: number;
  /** Left for a later pass: ended within the grace, or planning failed. */
  deferred: number;
}

const minId = (a: string, b: string) => (BigInt(a) <= BigInt(b) ? a : b);
const maxId = (a: string, b: string) => (BigInt(a) >= BigInt(b) ? a : b);

/**
 * Leader duty, a safety net: a run's end is planned (retry or dead letter) by RetryPlanner on
 * the node that recorded it. A crash between the two loses that step; this sweep finds failures
 * that are neither dead nor followed by a later attempt and plans them, fenced by the term.
 *
 * Which failures a pass reads: those with id >= a floor. Every run below the floor had ended at
 * the previous pass and was settled then (or left at or above it), so a run that ends between
 * two passes is always at or above it. The first pass of a term has no floor and reads the
 * runs created in the last SWEEP_LOOKBACK_MS; every pass reads at most that far back, so a run
 * that ran longer than that and lost its planning in a crash is not caught (the price of a
 * bounded scan: a run stuck SCHEDULED for days would otherwise pin the floor).
 */
@Injectable()
export class RetrySweeper extends PeriodicDuty {
  readonly name = 'retry-sweeper';
  protected readonly logger = new Logger('RetrySweeper');
  private floorId: string | null = null;

  constructor(
    private readonly retries: RetriesRepository,
    private readonly planner: RetryPlanner,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected intervalMs(): number {
    return SWEEP_MS;
  }

  override start(term: LeaderTerm): void {
    this.floorId = null; // a new term starts with a full look-back pass
    super.start(term);
  }

  /** One pass; public so tests drive it. */
  async runOnce(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<SweepResult> {
    const now = this.clock.now();
    // Read before the scan: whatever ends after this point is at or above it.
    let nextFloor = await this.retries.lowestOpenId(new Date(now.getTime() - UNCOMMITTED_MARGIN_MS));
    const candidates = await this.retries.unsettledFailures(await this.scanFrom(now), BATCH);
    const result: SweepResult = { retried: 0, dead: 0, deferred: 0 };
    for (const run of candidates) {
      if (await this.settle(run, term, now, result)) continue;
      result.deferred++;
      nextFloor = minId(nextFloor, run.id);
    }
    // A full batch means more to read: continue from the last one next time.
    if (candidates.length === BATCH) nextFloor = minId(nextFloor, candidates.at(-1)!.id);
    this.floorId = nextFloor;
    if (result.retried + result.dead > 0) this.logger.warn(`Planned ${result.retried} retry(ies) and ${result.dead} dead letter(s) whose planning had been lost`);
    return result;
  }

  private async scanFrom(now: Date): Promise<string> {
    const lookback = await this.retries.firstIdCreatedSince(new Date(now.getTime() - SWEEP_LOOKBACK_MS));
    return this.floorId === null ? lookback : maxId(this.floorId, lookback);
  }

  /** Plans one run; false when it is left for a later pass. A lost lease ends the pass. */
  private async settle(run: RunEntity, term: Pick<LeaderTerm, 'nodeId' | 'epoch'>, now: Date, result: SweepResult): Promise<boolean> {
    if (run.finishedAt && now.getTime() - run.finishedAt.getTime() < SWEEP_GRACE_MS) return false;
    try {
      const outcome = await this.planner.plan(run, term);
      if (outcome.kind === 'retry') result.retried++;
      if (outcome.kind === 'dead') result.dead++;
      return true;
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      this.logger.error({ msg: `planning run ${run.id} failed: ${(error as Error).message}`, runId: run.id }, (error as Error).stack);
      return false;
    }
  }
}
