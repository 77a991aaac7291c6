import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { retryTransient } from '../../database/transient-errors.js';
import type { RunEntity } from '../runs/run.entity.js';
import { LeaseLostError, type LeaderTerm } from '../scheduler/leader-duty.js';
import { PeriodicDuty } from '../scheduler/periodic-duty.js';
import { ChildStarter } from './child-starter.js';
import { ChildrenRepository } from './children.repository.js';

export const CHILD_SWEEP_MS = 30_000;
/** A run that ended this recently is left to ChildStarter, which normally runs right after the end. */
export const CHILD_SWEEP_GRACE_MS = 10_000;
/** The farthest back a pass looks (by creation): bounds the scan when something pins the floor. */
export const CHILD_SWEEP_LOOKBACK_MS = 24 * 3_600_000;
/** Ids are handed out before a transaction commits; no run insert stays uncommitted this long. */
const UNCOMMITTED_MARGIN_MS = 5 * 60_000;
const PAGE = 500;
/** Remembered run ids (see `settled`); past this the memory is dropped and rebuilt. */
const MAX_SETTLED = 100_000;

export interface ChildSweepResult {
  /** Parent runs whose missing children this pass started. */
  repaired: number;
  /** Child runs inserted. */
  started: number;
  /** Left for a later pass: ended within the grace, or the fan-out failed. */
  deferred: number;
}

const minId = (a: string, b: string) => (BigInt(a) <= BigInt(b) ? a : b);
const maxId = (a: string, b: string) => (BigInt(a) >= BigInt(b) ? a : b);

/**
 * Leader duty, a safety net: children are normally started by ChildStarter on the node that
 * recorded the parent's end. A crash between that end's commit and the fan-out loses the step;
 * this sweep finds ended runs of jobs with children whose child runs are missing and starts
 * them (the same idempotent fan-out, fenced by the term).
 *
 * Which runs a pass reads (ChildrenRepository.unsettledParents): runs of parent jobs with id >= a
 * floor. Every such run below the floor had ended at the previous pass and was looked at then
 * (or left at or above it), so a run that ends between two passes is always at or above it. The
 * first pass of a term, and the first after a job gains children, has no floor and reads the runs
 * created in the last CHILD_SWEEP_LOOKBACK_MS; every pass reads at most that far back, so a
 * parent that ran longer than that and lost its fan-out in a crash is not repaired (the price of
 * a bounded scan). A pass pages through its window by id, so nothing at the end starves.
 *
 * Some runs keep matching the query although there is nothing to do (a failure whose retry is
 * about to be inserted; shards of a broadcast fire whose children hang under another shard).
 * Runs looked at once are remembered for the term, so they cost a row read, not a fan-out.
 */
@Injectable()
export class ChildSweeper extends PeriodicDuty {
  readonly name = 'child-sweeper';
  protected readonly logger = new Logger('ChildSweeper');
  private floorId: string | null = null;
  private parentJobsKey = '';
  private readonly settled = new Set<string>();

  constructor(
    private readonly children: ChildrenRepository,
    private readonly starter: ChildStarter,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected intervalMs(): number {
    return CHILD_SWEEP_MS;
  }

  override start(term: LeaderTerm): void {
    this.floorId = null; // a new term starts with a full look-back pass
    this.settled.clear();
    super.start(term);
  }

  /** One pass; public so tests drive it. */
  async runOnce(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<ChildSweepResult> {
    const now = this.clock.now();
    const result: ChildSweepResult = { repaired: 0, started: 0, deferred: 0 };
    const parentJobs = await retryTransient(() => this.children.parentJobIds());
    const key = parentJobs.join(',');
    if (key !== this.parentJobsKey) {
      // A job gained children: its runs were not watched until now, so look back fully once.
      if (parentJobs.some((id) => !this.parentJobsKey.split(',').includes(id))) this.floorId = null;
      this.parentJobsKey = key;
    }
    if (parentJobs.length === 0) return result;
    // Read before the scan: whatever ends after this point is at or above it.
    let nextFloor = await retryTransient(() => this.children.lowestOpenId(parentJobs, new Date(now.getTime() - UNCOMMITTED_MARGIN_MS)));
    let from = await this.scanFrom(now);
    for (;;) {
      const page = await retryTransient(() => this.children.unsettledParents(parentJobs, from, PAGE));
      for (const run of page) {
        if (this.settled.has(run.id)) continue;
        if (await this.settle(run, term, now, result)) this.remember(run.id);
        else {
          result.deferred++;
          nextFloor = minId(nextFloor, run.id);
        }
      }
      if (page.length < PAGE) break;
      from = (BigInt(page.at(-1)!.id) + 1n).toString();
    }
    this.floorId = nextFloor;
    for (const id of this.settled) if (BigInt(id) < BigInt(nextFloor)) this.settled.delete(id);
    if (result.repaired > 0) this.logger.warn(`Started ${result.started} child run(s) of ${result.repaired} parent run(s) whose fan-out had been lost`);
    return result;
  }

  private async scanFrom(now: Date): Promise<string> {
    const lookback = await retryTransient(() => this.children.firstIdCreatedSince(new Date(now.getTime() - CHILD_SWEEP_LOOKBACK_MS)));
    return this.floorId === null ? lookback : maxId(this.floorId, lookback);
  }

  /** Starts one run's missing children; false when it is left for a later pass. A lost lease ends the pass. */
  private async settle(run: RunEntity, term: Pick<LeaderTerm, 'nodeId' | 'epoch'>, now: Date, result: ChildSweepResult): Promise<boolean> {
    if (run.finishedAt && now.getTime() - run.finishedAt.getTime() < CHILD_SWEEP_GRACE_MS) return false;
    try {
      const outcome = await this.starter.runEnded(run, { fence: { nodeId: term.nodeId, epoch: term.epoch }, edgesCreatedBy: run.finishedAt });
      if (outcome.kind === 'started' && outcome.created.length > 0) {
        result.repaired++;
        result.started += outcome.created.length;
      }
      return true;
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      this.logger.error({ msg: `starting the children of run ${run.id} failed: ${(error as Error).message}`, runId: run.id }, (error as Error).stack);
      return false;
    }
  }

  private remember(runId: string): void {
    if (this.settled.size >= MAX_SETTLED) this.settled.clear();
    this.settled.add(runId);
  }
}
