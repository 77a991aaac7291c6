import type { ChildTriggerCondition, RunStatus } from '@baton/protocol';
import { isFailure, nextAttemptDecision, type EndedRun, type RetryPolicy } from '../retries/retry-policy.js';

/**
 * Which children a parent run's end starts: pure decisions, no I/O (ChildStarter feeds them).
 *
 * A parent "ends" for child jobs once its chain has ended, i.e. on the chain's last attempt:
 * - SUCCEEDED → outcome SUCCESS (whatever attempt it was);
 * - FAILED, TIMED_OUT, LOST → outcome FAILURE, but only when no retry follows (the run is dead,
 *   or the job's retry policy gives it no further attempt); while a retry follows, the chain has
 *   not ended and nothing starts — the later attempt's end decides;
 * - CANCELLED, SKIPPED → starts no children (an operator's or the scheduler's decision to stop);
 * - SCHEDULED, DISPATCHED, RUNNING → has not ended.
 * Conditions: SUCCESS needs outcome SUCCESS, FAILURE needs FAILURE, ALWAYS either.
 */

export type ParentOutcome = 'SUCCESS' | 'FAILURE';

export type ParentEnd =
  /** Not ended yet, or a retry follows: decide on a later end. */
  | { kind: 'pending'; why: string }
  /** Ended in a way that starts no children. */
  | { kind: 'none'; why: string }
  | { kind: 'ended'; outcome: ParentOutcome };

/** What an attempt's end depends on. */
export interface EndedAttempt {
  status: RunStatus;
  /** runs.dead: the last attempt failed (set by the retry planner). */
  dead: boolean;
  /** Another attempt of this chain follows (see retryFollows). */
  retryFollows: boolean;
}

/** Whether the retry policy gives this ended attempt another one. A dead run is never retried. */
export function retryFollows(run: EndedRun & { dead: boolean }, policy: RetryPolicy): boolean {
  if (run.dead || !isFailure(run.status)) return false;
  return nextAttemptDecision(run, policy, () => 0.5).retry;
}

export function attemptEnd(a: EndedAttempt): ParentEnd {
  switch (a.status) {
    case 'SUCCEEDED':
      return { kind: 'ended', outcome: 'SUCCESS' };
    case 'FAILED':
    case 'TIMED_OUT':
    case 'LOST':
      if (!a.dead && a.retryFollows) return { kind: 'pending', why: `it ended ${a.status} and will be retried` };
      return { kind: 'ended', outcome: 'FAILURE' };
    case 'CANCELLED':
    case 'SKIPPED':
      return { kind: 'none', why: `it ended ${a.status}` };
    default:
      return { kind: 'pending', why: `it is still ${a.status}` };
  }
}

export function conditionHolds(condition: ChildTriggerCondition, outcome: ParentOutcome): boolean {
  switch (condition) {
    case 'SUCCESS':
      return outcome === 'SUCCESS';
    case 'FAILURE':
      return outcome === 'FAILURE';
    case 'ALWAYS':
      return true;
  }
}

/** Whether a child with `condition` starts when a parent attempt ends like `a`. */
export function startsChild(condition: ChildTriggerCondition, a: EndedAttempt): boolean {
  const end = attemptEnd(a);
  return end.kind === 'ended' && conditionHolds(condition, end.outcome);
}

/** The edges whose condition holds for this end (none unless it has ended). */
export function childrenToStart<E extends { triggerOn: ChildTriggerCondition }>(edges: readonly E[], end: ParentEnd): E[] {
  if (end.kind !== 'ended') return [];
  return edges.filter((e) => conditionHolds(e.triggerOn, end.outcome));
}

export type DepthCheck = { skip: false } | { skip: true; reason: string };

/**
 * CHILD_CHAIN_MAX_DEPTH: a parent at (or past) that depth starts no children; they are recorded
 * SKIPPED with this reason instead, so the cut is visible. Roots have depth 0.
 */
export function depthCheck(parentDepth: number, maxDepth: number): DepthCheck {
  if (parentDepth < maxDepth) return { skip: false };
  return { skip: true, reason: `child chain deeper than CHILD_CHAIN_MAX_DEPTH (${maxDepth})` };
}

// ---- SHARDING_BROADCAST ------------------------------------------------------------------------

/** The fields of one run of a broadcast fire (any shard, any attempt). */
export interface ShardAttempt {
  id: string;
  shardIndex: number;
  attempt: number;
  status: RunStatus;
  dead: boolean;
}

export type GroupEnd<R> =
  /** Not a broadcast group (shards requested one by one through the API): the run counts alone. */
  | { kind: 'independent' }
  | { kind: 'pending'; why: string }
  | { kind: 'none'; why: string }
  /** `representative`: the run the children hang under (parent_run_id, ctx.parent). */
  | { kind: 'ended'; outcome: ParentOutcome; representative: R };

/**
 * A broadcast fire starts children once, when every shard's chain has ended:
 * - any shard not ended (or being retried) → pending;
 * - else any shard CANCELLED or SKIPPED → none (someone stopped part of the fire);
 * - else any shard failed for good → FAILURE, under the lowest such shard's last attempt;
 * - else (all succeeded) → SUCCESS, under shard 0's last attempt.
 * `members`: every run of the fire, all attempts. The representative is a function of the
 * finished group alone, so whichever shard's end (or sweep) sees the group complete names the
 * same parent, and the idempotency key `child-of:<parent>` makes the fan-out happen once.
 * A set that does not hold every index 0..total-1 was not made by the dispatcher's fan-out
 * (e.g. `shard` given to the trigger API): 'independent'.
 */
export function shardGroupEnd<R extends ShardAttempt>(members: readonly R[], total: number, retryFollowsFn: (run: R) => boolean): GroupEnd<R> {
  const last = new Map<number, R>();
  for (const m of members) {
    if (m.shardIndex >= total) return { kind: 'independent' };
    const seen = last.get(m.shardIndex);
    if (!seen || m.attempt > seen.attempt) last.set(m.shardIndex, m);
  }
  if (last.size !== total) return { kind: 'independent' };
  const ends = [...last.values()]
    .sort((a, b) => a.shardIndex - b.shardIndex)
    .map((run) => ({ run, end: attemptEnd({ status: run.status, dead: run.dead, retryFollows: retryFollowsFn(run) }) }));
  const pending = ends.find((e) => e.end.kind === 'pending');
  if (pending) return { kind: 'pending', why: `shard ${pending.run.shardIndex} of ${total}: ${(pending.end as { why: string }).why}` };
  const stopped = ends.find((e) => e.end.kind === 'none');
  if (stopped) return { kind: 'none', why: `shard ${stopped.run.shardIndex} of ${total} ended ${stopped.run.status}` };
  const failed = ends.find((e) => e.end.kind === 'ended' && e.end.outcome === 'FAILURE');
  if (failed) return { kind: 'ended', outcome: 'FAILURE', representative: failed.run };
  return { kind: 'ended', outcome: 'SUCCESS', representative: ends[0]!.run };
}
