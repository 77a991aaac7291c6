import { describe, expect, it } from 'vitest';
import type { RunStatus } from '@baton/protocol';
import { chainRootOf, manualRetryRefusal, nextAttemptDecision, retryDelayMs, type RetryPolicy } from '../../../src/modules/retries/retry-policy.js';

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maxAttempts: 3,
  backoff: 'FIXED',
  delayMs: 500,
  maxDelayMs: 60_000,
  jitter: 0,
  retryOn: ['FAILED', 'TIMED_OUT', 'LOST'],
  ...over,
});
const r = (value: number) => () => value;
/** The largest value Math.random can return. */
const ALMOST_ONE = 1 - Number.EPSILON / 2;

describe('retryDelayMs', () => {
  it.each([
    { name: 'FIXED waits delayMs after the first attempt', p: policy(), attempt: 1, random: 0.5, ms: 500 },
    { name: 'FIXED waits delayMs after any attempt', p: policy(), attempt: 7, random: 0.5, ms: 500 },
    { name: 'EXPONENTIAL starts at delayMs', p: policy({ backoff: 'EXPONENTIAL' }), attempt: 1, random: 0.5, ms: 500 },
    { name: 'EXPONENTIAL doubles after the second attempt', p: policy({ backoff: 'EXPONENTIAL' }), attempt: 2, random: 0.5, ms: 1000 },
    { name: 'EXPONENTIAL: delayMs · 2^(attempt−1)', p: policy({ backoff: 'EXPONENTIAL' }), attempt: 5, random: 0.5, ms: 8000 },
    { name: 'EXPONENTIAL is capped at maxDelayMs', p: policy({ backoff: 'EXPONENTIAL', maxDelayMs: 3000 }), attempt: 4, random: 0.5, ms: 3000 },
    { name: 'FIXED is capped too', p: policy({ delayMs: 5000, maxDelayMs: 2000 }), attempt: 1, random: 0.5, ms: 2000 },
    { name: 'a huge attempt number stays at the cap (no Infinity/NaN)', p: policy({ backoff: 'EXPONENTIAL', jitter: 1, maxDelayMs: 300_000 }), attempt: 5000, random: 0.9, ms: 300_000 },
    { name: 'jitter at r=0 takes the whole fraction off', p: policy({ jitter: 0.2 }), attempt: 1, random: 0, ms: 400 },
    { name: 'jitter at r=0.5 leaves the delay as is', p: policy({ jitter: 0.2 }), attempt: 1, random: 0.5, ms: 500 },
    { name: 'jitter near r=1 adds (almost) the whole fraction', p: policy({ jitter: 0.2 }), attempt: 1, random: ALMOST_ONE, ms: 600 },
    { name: 'jitter is applied before the cap', p: policy({ jitter: 0.5, maxDelayMs: 600 }), attempt: 1, random: ALMOST_ONE, ms: 600 },
    { name: 'full jitter at r=0 gives zero, never negative', p: policy({ jitter: 1 }), attempt: 1, random: 0, ms: 0 },
    { name: 'out-of-range jitter is clamped to 1', p: policy({ jitter: 3 }), attempt: 1, random: 0, ms: 0 },
    { name: 'rounds to whole milliseconds', p: policy({ delayMs: 333, jitter: 0.1 }), attempt: 1, random: 0.75, ms: 350 },
    { name: 'a zero delay stays zero', p: policy({ delayMs: 0, backoff: 'EXPONENTIAL' }), attempt: 9, random: 0.9, ms: 0 },
  ])('$name', ({ p, attempt, random, ms }) => {
    expect(retryDelayMs(p, attempt, r(random))).toBe(ms);
  });

  it('stays within delay·(1 ± jitter), as a whole non-negative number, for any random value', () => {
    const p = policy({ backoff: 'EXPONENTIAL', delayMs: 1000, jitter: 0.3, maxDelayMs: 1_000_000 });
    for (let attempt = 1; attempt <= 8; attempt++) {
      const base = 1000 * 2 ** (attempt - 1);
      for (let i = 0; i < 200; i++) {
        const ms = retryDelayMs(p, attempt);
        expect(Number.isInteger(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(Math.floor(base * 0.7));
        expect(ms).toBeLessThanOrEqual(Math.ceil(base * 1.3));
      }
    }
  });
});

describe('nextAttemptDecision', () => {
  const run = (status: RunStatus, attempt = 1, retryable = true) => ({ status, attempt, retryable });

  it.each([
    { name: 'a FAILED first attempt with attempts left is retried', run: run('FAILED'), p: policy(), out: { retry: true, delayMs: 500 } },
    { name: 'TIMED_OUT is retried when listed', run: run('TIMED_OUT'), p: policy(), out: { retry: true, delayMs: 500 } },
    { name: 'LOST is retried when listed', run: run('LOST', 2), p: policy({ backoff: 'EXPONENTIAL' }), out: { retry: true, delayMs: 1000 } },
    { name: 'the delay follows the attempt that failed', run: run('FAILED', 2), p: policy({ backoff: 'EXPONENTIAL', maxAttempts: 5 }), out: { retry: true, delayMs: 1000 } },
    { name: 'the last attempt is dead (exhausted)', run: run('FAILED', 3), p: policy(), out: { retry: false, dead: true, why: 'attempts exhausted (3 of 3)' } },
    { name: 'maxAttempts 1 means no retry: dead at once', run: run('FAILED'), p: policy({ maxAttempts: 1 }), out: { retry: false, dead: true, why: 'attempts exhausted (1 of 1)' } },
    { name: 'an attempt past a lowered maxAttempts is dead', run: run('LOST', 5), p: policy({ maxAttempts: 2 }), out: { retry: false, dead: true, why: 'attempts exhausted (5 of 2)' } },
    {
      name: 'NonRetryableError (retryable false) is dead with attempts left',
      run: run('FAILED', 1, false),
      p: policy(),
      out: { retry: false, dead: true, why: 'the handler marked the error as not retryable (NonRetryableError)' },
    },
    { name: 'TIMED_OUT not in retryOn is dead', run: run('TIMED_OUT'), p: policy({ retryOn: ['FAILED', 'LOST'] }), out: { retry: false, dead: true, why: 'TIMED_OUT is not retried (retryOn: FAILED, LOST)' } },
    { name: 'LOST not in retryOn is dead', run: run('LOST'), p: policy({ retryOn: ['FAILED'] }), out: { retry: false, dead: true, why: 'LOST is not retried (retryOn: FAILED)' } },
    { name: 'an empty retryOn retries nothing', run: run('FAILED'), p: policy({ retryOn: [] }), out: { retry: false, dead: true, why: 'FAILED is not retried (retryOn: nothing)' } },
    { name: 'SUCCEEDED is never dead', run: run('SUCCEEDED'), p: policy(), out: { retry: false, dead: false, why: 'the run ended SUCCEEDED' } },
    { name: 'CANCELLED is never dead nor retried', run: run('CANCELLED'), p: policy(), out: { retry: false, dead: false, why: 'the run ended CANCELLED' } },
    { name: 'SKIPPED is never dead nor retried', run: run('SKIPPED'), p: policy(), out: { retry: false, dead: false, why: 'the run ended SKIPPED' } },
    { name: 'a NonRetryable SUCCEEDED is still not dead', run: run('SUCCEEDED', 3, false), p: policy(), out: { retry: false, dead: false, why: 'the run ended SUCCEEDED' } },
  ])('$name', ({ run: ended, p, out }) => {
    expect(nextAttemptDecision(ended, p, r(0.5))).toEqual(out);
  });

  it('applies the jitter from the injected random source', () => {
    expect(nextAttemptDecision(run('FAILED'), policy({ jitter: 0.5 }), r(0))).toEqual({ retry: true, delayMs: 250 });
  });
});

describe('manualRetryRefusal', () => {
  it.each([
    { status: 'FAILED', dead: true, refused: null },
    { status: 'FAILED', dead: false, refused: null },
    { status: 'TIMED_OUT', dead: false, refused: null },
    { status: 'LOST', dead: false, refused: null },
    { status: 'CANCELLED', dead: false, refused: null },
    { status: 'RUNNING', dead: false, refused: /still RUNNING; wait for it to end, or kill it first/ },
    { status: 'SCHEDULED', dead: false, refused: /still SCHEDULED/ },
    { status: 'SUCCEEDED', dead: false, refused: /ended SUCCEEDED; only dead runs and runs that ended FAILED, TIMED_OUT, LOST or CANCELLED/ },
    { status: 'SKIPPED', dead: false, refused: /ended SKIPPED/ },
  ] as const)('$status (dead: $dead)', ({ status, dead, refused }) => {
    const why = manualRetryRefusal({ status, dead });
    if (refused === null) expect(why).toBeNull();
    else expect(why).toMatch(refused);
  });
});

describe('chainRootOf', () => {
  it('is the run itself for a first attempt, its root otherwise', () => {
    expect(chainRootOf({ id: '7', rootRunId: null })).toBe('7');
    expect(chainRootOf({ id: '9', rootRunId: '7' })).toBe('7');
  });
});
