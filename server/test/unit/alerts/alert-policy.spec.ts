import { describe, expect, it } from 'vitest';
import type { RunStatus, TriggerType } from '@baton/protocol';
import { afterFailedDelivery, alertKindsForRun, alertRetryDelayMs, formatEvents, isSuppressed, parseEvents, type EndedRunFacts } from '../../../src/modules/alerts/alert-policy.js';
import type { RetryPolicy } from '../../../src/modules/retries/retry-policy.js';

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({ maxAttempts: 3, backoff: 'FIXED', delayMs: 500, maxDelayMs: 60_000, jitter: 0, retryOn: ['FAILED', 'TIMED_OUT', 'LOST'], ...over });
const run = (status: RunStatus, over: Partial<EndedRunFacts> = {}): EndedRunFacts => ({ status, triggerType: 'CRON' as TriggerType, statusReason: null, attempt: 1, retryable: true, dead: false, ...over });

describe('alertKindsForRun', () => {
  it.each([
    { name: 'a failure with attempts left alerts nothing (a retry follows)', r: run('FAILED'), p: policy(), kinds: [] },
    { name: 'the last attempt failing is dead', r: run('FAILED', { attempt: 3 }), p: policy(), kinds: ['RUN_DEAD'] },
    { name: 'maxAttempts 1: the first failure is dead', r: run('TIMED_OUT'), p: policy({ maxAttempts: 1 }), kinds: ['RUN_DEAD'] },
    { name: 'an outcome not in retryOn is dead', r: run('TIMED_OUT'), p: policy({ retryOn: ['FAILED'] }), kinds: ['RUN_DEAD'] },
    { name: 'NonRetryableError is dead', r: run('FAILED', { retryable: false }), p: policy(), kinds: ['RUN_DEAD'] },
    { name: 'already marked dead is dead', r: run('FAILED', { dead: true }), p: policy(), kinds: ['RUN_DEAD'] },
    { name: 'the job is gone: nothing follows, dead', r: run('FAILED'), p: null, kinds: ['RUN_DEAD'] },
    { name: 'LOST with a retry to come is RUN_LOST only', r: run('LOST'), p: policy(), kinds: ['RUN_LOST'] },
    { name: 'LOST and dead is both', r: run('LOST', { attempt: 3 }), p: policy(), kinds: ['RUN_DEAD', 'RUN_LOST'] },
    { name: 'a MISFIRE skip', r: run('SKIPPED', { triggerType: 'MISFIRE' }), p: policy(), kinds: ['MISFIRE_SKIPPED'] },
    { name: 'a waiting run skipped by the misfire policy', r: run('SKIPPED', { statusReason: 'misfire skipped: could not start within 5000 ms' }), p: policy(), kinds: ['MISFIRE_SKIPPED'] },
    { name: 'a DISCARD_LATER skip is no misfire', r: run('SKIPPED', { statusReason: 'skipped: run 4 is still running (DISCARD_LATER)' }), p: policy(), kinds: [] },
    { name: 'success', r: run('SUCCEEDED', { attempt: 3 }), p: policy(), kinds: [] },
    { name: 'cancel', r: run('CANCELLED', { attempt: 3 }), p: policy(), kinds: [] },
  ])('$name', ({ r, p, kinds }) => {
    expect(alertKindsForRun(r, p)).toEqual(kinds);
  });
});

describe('isSuppressed', () => {
  const at = new Date('2026-01-01T00:00:00.000Z');
  const plus = (ms: number) => new Date(at.getTime() + ms);
  it('suppresses within the window after the last alert that went out, not at or after its end', () => {
    expect(isSuppressed(at, 60_000, plus(1))).toBe(true);
    expect(isSuppressed(at, 60_000, plus(59_999))).toBe(true);
    expect(isSuppressed(at, 60_000, plus(60_000))).toBe(false);
  });
  it('never suppresses without a previous alert or with a zero window', () => {
    expect(isSuppressed(null, 60_000, at)).toBe(false);
    expect(isSuppressed(at, 0, at)).toBe(false);
  });
});

describe('delivery backoff', () => {
  it('doubles from the base: 1 s, 2 s, 4 s, 8 s…, capped at 5 minutes', () => {
    expect([1, 2, 3, 4, 5].map((n) => alertRetryDelayMs(n, 1000))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(alertRetryDelayMs(20, 1000)).toBe(300_000);
    expect(alertRetryDelayMs(10_000, 1000)).toBe(300_000);
  });

  it('retries until the last attempt, then gives up', () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    expect(afterFailedDelivery(1, 5, 1000, now)).toEqual({ status: 'PENDING', nextAttemptAt: new Date('2026-01-01T00:00:01.000Z') });
    expect(afterFailedDelivery(4, 5, 1000, now)).toEqual({ status: 'PENDING', nextAttemptAt: new Date('2026-01-01T00:00:08.000Z') });
    expect(afterFailedDelivery(5, 5, 1000, now)).toEqual({ status: 'FAILED', nextAttemptAt: null });
  });
});

describe('event filters', () => {
  it('store in canonical order and read back only known kinds', () => {
    expect(formatEvents(['RUN_LOST', 'RUN_DEAD', 'RUN_LOST'])).toBe('RUN_DEAD,RUN_LOST');
    expect(parseEvents('NO_EXECUTOR,BOGUS,RUN_DEAD')).toEqual(['RUN_DEAD', 'NO_EXECUTOR']);
  });
});
