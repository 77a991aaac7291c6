import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { retryTransient } from '../../database/transient-errors.js';
import { retryOf } from '../jobs/job-settings.js';
import type { RunEntity } from '../runs/run.entity.js';
import { RunEvents } from '../runs/run-events.js';
import type { FenceToken } from '../scheduler/lease-fence.js';
import { attemptEnd, childrenToStart, depthCheck, retryFollows, shardGroupEnd, type ParentEnd } from './child-conditions.js';
import { ChildrenRepository } from './children.repository.js';

export type StartOutcome =
  /** Nothing to start: no children, no condition holds, or the run ended CANCELLED/SKIPPED. */
  | { kind: 'none'; why: string }
  /** The parent has not ended for child jobs yet: a retry follows, or other shards still run. */
  | { kind: 'pending'; why: string }
  /** Children started under `parentRunId` (`created`: inserted by this call; SKIPPED when the chain is too deep). */
  | { kind: 'started'; parentRunId: string; created: RunEntity[]; existing: number; skipped: boolean };

export interface StartOptions {
  /** The sweeper starts children as the leader: its write commits only while the lease is held. */
  fence?: FenceToken;
  /** Only edges created by then (the sweeper passes the run's end). */
  edgesCreatedBy?: Date | null;
}

/**
 * Starts child jobs when a run ends (RunEvents.onRunEnded, on whichever node recorded the end):
 * the children whose condition holds (child-conditions.ts) get one SCHEDULED CHILD run each,
 * due now, inserted in one statement and keyed child-of:<parent run>, so seeing the same end
 * twice starts them once. The leader's ChildSweeper catches an end whose fan-out was lost to a
 * crash.
 */
@Injectable()
export class ChildStarter {
  private readonly logger = new Logger('ChildStarter');

  constructor(
    private readonly children: ChildrenRepository,
    private readonly events: RunEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    events.onRunEnded(async (run, facts) => {
      // Known to have no children: nothing to start, and no query.
      if (facts && !facts.hasChildren) return;
      await this.runEnded(run);
    });
  }

  async runEnded(run: RunEntity, opts: StartOptions = {}): Promise<StartOutcome> {
    // Cancels, skips (including SKIPPED children at the depth limit) and unfinished runs cost no query.
    const first = attemptEnd({ status: run.status, dead: run.dead, retryFollows: false });
    if (first.kind !== 'ended') return { kind: first.kind, why: `run ${run.id}: ${first.why}` };

    const edges = await retryTransient(() => this.children.edgesOf(run.jobId, opts.edgesCreatedBy ?? null));
    if (edges.length === 0) return { kind: 'none', why: 'the job has no children' };
    const job = await retryTransient(() => this.children.findJob(run.jobId));
    if (!job) return { kind: 'none', why: 'the job was deleted' };
    const policy = retryOf(job);

    let parent = run;
    let end: ParentEnd = attemptEnd({ status: run.status, dead: run.dead, retryFollows: retryFollows(run, policy) });
    if (run.shardTotal > 1) {
      const group = shardGroupEnd(await retryTransient(() => this.children.broadcastGroup(run)), run.shardTotal, (r) => retryFollows(r, policy));
      if (group.kind === 'ended') {
        parent = group.representative;
        end = { kind: 'ended', outcome: group.outcome };
      } else if (group.kind !== 'independent') end = group;
    }
    if (end.kind !== 'ended') return { kind: end.kind, why: end.why };

    const toStart = childrenToStart(edges, end);
    if (toStart.length === 0) return { kind: 'none', why: `no child starts on ${end.outcome}` };
    const depth = depthCheck(parent.chainDepth, this.config.childChainMaxDepth);
    const now = this.clock.now();
    const result = await retryTransient(() =>
      this.children.fanOut(
        { parent, childJobIds: toStart.map((e) => e.childJobId), status: depth.skip ? 'SKIPPED' : 'SCHEDULED', reason: depth.skip ? depth.reason : null },
        now,
        opts.fence,
      ),
    );
    if (depth.skip && result.created.length > 0) {
      this.logger.warn({ msg: `run ${parent.id} is at chain depth ${parent.chainDepth}: its ${result.created.length} child run(s) were recorded SKIPPED (${depth.reason})`, runId: parent.id });
    }
    if (!depth.skip && result.created.length > 0) this.events.runsChanged(result.created.map((r) => r.id)); // wakes this node's dispatcher
    // A SKIPPED child has ended: tell the other listeners (FIXED_DELAY planning, rollups) as the dispatcher does for its skips.
    if (depth.skip) for (const child of result.created) await this.events.runEnded(child);
    return { kind: 'started', parentRunId: parent.id, created: result.created, existing: result.existing, skipped: depth.skip };
  }
}
