import { describe, expect, it } from 'vitest';
import { CHILD_TRIGGER_CONDITIONS, RUN_STATUSES, type ChildTriggerCondition, type RunStatus } from '@baton/protocol';
import {
  attemptEnd,
  childrenToStart,
  conditionHolds,
  depthCheck,
  retryFollows,
  shardGroupEnd,
  startsChild,
  type ShardAttempt,
} from '../../../src/modules/children/child-conditions.js';
import type { RetryPolicy } from '../../../src/modules/retries/retry-policy.js';

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maxAttempts: 1,
  backoff: 'FIXED',
  delayMs: 100,
  maxDelayMs: 60_000,
  jitter: 0,
  retryOn: ['FAILED', 'TIMED_OUT', 'LOST'],
  ...over,
});

/**
 * The whole table: every status × (dead, a retry follows) × condition. Expected value:
 * S = starts with SUCCESS, F = with FAILURE, A = with ALWAYS.
 */
const TABLE: Array<{ status: RunStatus; dead: boolean; retry: boolean; starts: string }> = [
  // a success ends the chain whatever its attempt
  { status: 'SUCCEEDED', dead: false, retry: false, starts: 'SA' },
  // failures: only the chain's last attempt (dead, or no retry follows) starts FAILURE/ALWAYS children
  { status: 'FAILED', dead: false, retry: false, starts: 'FA' },
  { status: 'FAILED', dead: true, retry: false, starts: 'FA' },
  { status: 'FAILED', dead: false, retry: true, starts: '' },
  { status: 'FAILED', dead: true, retry: true, starts: 'FA' }, // dead wins: the retry planner said no
  { status: 'TIMED_OUT', dead: false, retry: false, starts: 'FA' },
  { status: 'TIMED_OUT', dead: true, retry: false, starts: 'FA' },
  { status: 'TIMED_OUT', dead: false, retry: true, starts: '' },
  { status: 'LOST', dead: false, retry: false, starts: 'FA' },
  { status: 'LOST', dead: true, retry: false, starts: 'FA' },
  { status: 'LOST', dead: false, retry: true, starts: '' },
  // stopped on purpose: no children, not even ALWAYS
  { status: 'CANCELLED', dead: false, retry: false, starts: '' },
  { status: 'CANCELLED', dead: false, retry: true, starts: '' },
  { status: 'SKIPPED', dead: false, retry: false, starts: '' },
  // not ended
  { status: 'SCHEDULED', dead: false, retry: false, starts: '' },
  { status: 'DISPATCHED', dead: false, retry: false, starts: '' },
  { status: 'RUNNING', dead: false, retry: false, starts: '' },
];

const LETTER: Record<ChildTriggerCondition, string> = { SUCCESS: 'S', FAILURE: 'F', ALWAYS: 'A' };

describe('startsChild: status × condition', () => {
  it('covers every run status', () => {
    expect(new Set(TABLE.map((r) => r.status))).toEqual(new Set(RUN_STATUSES));
  });

  describe.each(TABLE)('$status (dead: $dead, retry follows: $retry)', ({ status, dead, retry, starts }) => {
    it.each(CHILD_TRIGGER_CONDITIONS.map((c) => [c, starts.includes(LETTER[c])] as const))('%s → %s', (condition, expected) => {
      expect(startsChild(condition, { status, dead, retryFollows: retry })).toBe(expected);
    });
  });
});

describe('attemptEnd', () => {
  it.each([
    [{ status: 'SUCCEEDED', dead: false, retryFollows: false }, { kind: 'ended', outcome: 'SUCCESS' }],
    [{ status: 'FAILED', dead: true, retryFollows: false }, { kind: 'ended', outcome: 'FAILURE' }],
    [{ status: 'FAILED', dead: false, retryFollows: true }, { kind: 'pending' }],
    [{ status: 'CANCELLED', dead: false, retryFollows: false }, { kind: 'none' }],
    [{ status: 'SKIPPED', dead: false, retryFollows: false }, { kind: 'none' }],
    [{ status: 'RUNNING', dead: false, retryFollows: false }, { kind: 'pending' }],
  ] as const)('%o → %o', (attempt, expected) => {
    expect(attemptEnd(attempt)).toMatchObject(expected);
  });
});

describe('retryFollows (the job\'s retry policy)', () => {
  const run = (over: Partial<{ status: RunStatus; attempt: number; retryable: boolean; dead: boolean }> = {}) => ({
    status: 'FAILED' as RunStatus,
    attempt: 1,
    retryable: true,
    dead: false,
    ...over,
  });
  it.each([
    { name: 'no retries configured (maxAttempts 1)', r: run(), p: policy(), follows: false },
    { name: 'attempts left', r: run(), p: policy({ maxAttempts: 3 }), follows: true },
    { name: 'attempt 2 of 3 failed: one more', r: run({ attempt: 2 }), p: policy({ maxAttempts: 3 }), follows: true },
    { name: 'the last attempt failed', r: run({ attempt: 3 }), p: policy({ maxAttempts: 3 }), follows: false },
    { name: 'dead: never, whatever the policy says', r: run({ dead: true }), p: policy({ maxAttempts: 3 }), follows: false },
    { name: 'NonRetryableError', r: run({ retryable: false }), p: policy({ maxAttempts: 3 }), follows: false },
    { name: 'TIMED_OUT not in retryOn', r: run({ status: 'TIMED_OUT' }), p: policy({ maxAttempts: 3, retryOn: ['FAILED'] }), follows: false },
    { name: 'LOST in retryOn', r: run({ status: 'LOST' }), p: policy({ maxAttempts: 3 }), follows: true },
    { name: 'a success is not retried', r: run({ status: 'SUCCEEDED' }), p: policy({ maxAttempts: 3 }), follows: false },
    { name: 'a cancel is not retried automatically', r: run({ status: 'CANCELLED' }), p: policy({ maxAttempts: 3 }), follows: false },
  ])('$name → $follows', ({ r, p, follows }) => {
    expect(retryFollows(r, p)).toBe(follows);
  });

  it('FAILURE children wait for the chain\'s last attempt', () => {
    const p = policy({ maxAttempts: 2 });
    const first = run({ attempt: 1 });
    const second = run({ attempt: 2 });
    expect(startsChild('FAILURE', { ...first, retryFollows: retryFollows(first, p) })).toBe(false);
    expect(startsChild('ALWAYS', { ...first, retryFollows: retryFollows(first, p) })).toBe(false);
    expect(startsChild('FAILURE', { ...second, retryFollows: retryFollows(second, p) })).toBe(true);
    expect(startsChild('ALWAYS', { ...second, retryFollows: retryFollows(second, p) })).toBe(true);
  });
});

describe('conditionHolds and childrenToStart', () => {
  it.each([
    ['SUCCESS', 'SUCCESS', true],
    ['SUCCESS', 'FAILURE', false],
    ['FAILURE', 'SUCCESS', false],
    ['FAILURE', 'FAILURE', true],
    ['ALWAYS', 'SUCCESS', true],
    ['ALWAYS', 'FAILURE', true],
  ] as const)('%s on %s → %s', (condition, outcome, holds) => {
    expect(conditionHolds(condition, outcome)).toBe(holds);
  });

  const edges = [
    { childJobId: '1', triggerOn: 'SUCCESS' as const },
    { childJobId: '2', triggerOn: 'FAILURE' as const },
    { childJobId: '3', triggerOn: 'ALWAYS' as const },
  ];
  it('picks the edges whose condition holds', () => {
    expect(childrenToStart(edges, { kind: 'ended', outcome: 'SUCCESS' }).map((e) => e.childJobId)).toEqual(['1', '3']);
    expect(childrenToStart(edges, { kind: 'ended', outcome: 'FAILURE' }).map((e) => e.childJobId)).toEqual(['2', '3']);
    expect(childrenToStart(edges, { kind: 'pending', why: '' })).toEqual([]);
    expect(childrenToStart(edges, { kind: 'none', why: '' })).toEqual([]);
  });
});

describe('depthCheck (CHILD_CHAIN_MAX_DEPTH)', () => {
  it.each([
    { depth: 0, max: 10, skip: false },
    { depth: 9, max: 10, skip: false },
    { depth: 10, max: 10, skip: true },
    { depth: 11, max: 10, skip: true },
    { depth: 0, max: 0, skip: true },
    { depth: 0, max: 1, skip: false },
    { depth: 1, max: 1, skip: true },
  ])('a parent at depth $depth with max $max → skip: $skip', ({ depth, max, skip }) => {
    const check = depthCheck(depth, max);
    expect(check.skip).toBe(skip);
    if (check.skip) expect(check.reason).toBe(`child chain deeper than CHILD_CHAIN_MAX_DEPTH (${max})`);
  });
});

describe('shardGroupEnd (SHARDING_BROADCAST)', () => {
  let nextId = 1;
  const shard = (shardIndex: number, status: RunStatus, attempt = 1, dead = false): ShardAttempt => ({ id: String(nextId++), shardIndex, attempt, status, dead });
  const noRetry = () => false;

  it('starts SUCCESS children under shard 0 once every shard succeeded', () => {
    const s0 = shard(0, 'SUCCEEDED');
    expect(shardGroupEnd([s0, shard(1, 'SUCCEEDED'), shard(2, 'SUCCEEDED')], 3, noRetry)).toEqual({ kind: 'ended', outcome: 'SUCCESS', representative: s0 });
  });

  it('waits while any shard runs or will be retried', () => {
    expect(shardGroupEnd([shard(0, 'SUCCEEDED'), shard(1, 'RUNNING'), shard(2, 'SUCCEEDED')], 3, noRetry).kind).toBe('pending');
    const failing = shard(1, 'FAILED');
    expect(shardGroupEnd([shard(0, 'SUCCEEDED'), failing], 2, (r) => r === failing).kind).toBe('pending');
  });

  it('fails under the lowest shard that failed for good', () => {
    const s1 = shard(1, 'FAILED', 1, true);
    expect(shardGroupEnd([shard(0, 'SUCCEEDED'), s1, shard(2, 'LOST')], 3, noRetry)).toEqual({ kind: 'ended', outcome: 'FAILURE', representative: s1 });
  });

  it('judges each shard by its last attempt', () => {
    const retried = shard(1, 'SUCCEEDED', 2);
    const s0 = shard(0, 'SUCCEEDED');
    expect(shardGroupEnd([s0, shard(1, 'FAILED', 1), retried], 2, noRetry)).toEqual({ kind: 'ended', outcome: 'SUCCESS', representative: s0 });
    const lastFailed = shard(1, 'TIMED_OUT', 3);
    expect(shardGroupEnd([s0, shard(1, 'FAILED', 1), shard(1, 'FAILED', 2), lastFailed], 2, noRetry)).toMatchObject({ kind: 'ended', outcome: 'FAILURE', representative: lastFailed });
  });

  it('starts nothing when a shard was cancelled or skipped', () => {
    expect(shardGroupEnd([shard(0, 'SUCCEEDED'), shard(1, 'CANCELLED')], 2, noRetry)).toMatchObject({ kind: 'none' });
    expect(shardGroupEnd([shard(0, 'FAILED'), shard(1, 'SKIPPED')], 2, noRetry)).toMatchObject({ kind: 'none' });
  });

  it('treats shards that were not fanned out together (trigger API `shard`) as independent runs', () => {
    expect(shardGroupEnd([shard(2, 'SUCCEEDED')], 3, noRetry)).toEqual({ kind: 'independent' });
    expect(shardGroupEnd([shard(0, 'SUCCEEDED'), shard(0, 'FAILED', 2)], 3, noRetry)).toEqual({ kind: 'independent' });
    expect(shardGroupEnd([shard(0, 'SUCCEEDED'), shard(5, 'SUCCEEDED')], 2, noRetry)).toEqual({ kind: 'independent' });
  });
});
