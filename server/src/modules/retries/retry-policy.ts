import { RETRYABLE_OUTCOMES, type RetryDto, type RetryableOutcome, type RunStatus } from '@baton/protocol';

/** A job's retry settings (the same shape the jobs API shows as `retry`). */
export type RetryPolicy = RetryDto;

/** The settings the delay depends on. */
export type BackoffSettings = Pick<RetryPolicy, 'backoff' | 'delayMs' | 'maxDelayMs' | 'jitter'>;

/** What the end of an attempt leads to. */
export type AttemptDecision = { retry: true; delayMs: number } | { retry: false; dead: boolean; why: string };

/** The run fields a decision depends on. */
export type EndedRun = { status: RunStatus; attempt: number; retryable: boolean };

/**
 * Past any sane cap (delays are at most 7 days ≈ 2^30 ms), so the result is the same as the
 * unbounded formula, but 2^exponent can never overflow to Infinity and turn the jitter into NaN.
 */
const MAX_EXPONENT = 60;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** The outcomes that may be retried and, when they are not, make a run dead. */
export function isFailure(status: RunStatus): status is RetryableOutcome {
  return (RETRYABLE_OUTCOMES as readonly RunStatus[]).includes(status);
}

/**
 * The pause before the attempt after `attempt` (the one that just failed, 1-based):
 * FIXED → delayMs; EXPONENTIAL → delayMs · 2^(attempt−1); then × (1 + jitter·(2r−1)) with r
 * from `random` in [0, 1); then capped at maxDelayMs. Whole milliseconds, never negative.
 * Jitter spreads the retries of many runs that failed together (e.g. a database outage), so
 * they do not all come back at the same instant.
 */
export function retryDelayMs(policy: BackoffSettings, attempt: number, random: () => number = Math.random): number {
  const exponent = clamp(Math.floor(attempt) - 1, 0, MAX_EXPONENT);
  const base = policy.backoff === 'EXPONENTIAL' ? policy.delayMs * 2 ** exponent : policy.delayMs;
  const jitter = clamp(policy.jitter, 0, 1);
  const jittered = base * (1 + jitter * (2 * clamp(random(), 0, 1) - 1));
  return Math.max(0, Math.round(Math.min(jittered, policy.maxDelayMs)));
}

/**
 * Whether an ended attempt gets another one. A run is retried when its outcome is in
 * `retryOn`, the handler did not refuse retries (NonRetryableError sets `retryable` false) and
 * attempts are left. A failure (FAILED, TIMED_OUT, LOST) that will not be retried is dead: it
 * goes to the dead-letter list. SUCCEEDED, CANCELLED and SKIPPED are never dead (a cancel is an
 * operator's decision, a skip a scheduling one).
 */
export function nextAttemptDecision(run: EndedRun, policy: RetryPolicy, random?: () => number): AttemptDecision {
  if (!isFailure(run.status)) return { retry: false, dead: false, why: `the run ended ${run.status}` };
  if (!policy.retryOn.includes(run.status)) {
    return { retry: false, dead: true, why: `${run.status} is not retried (retryOn: ${policy.retryOn.join(', ') || 'nothing'})` };
  }
  if (!run.retryable) return { retry: false, dead: true, why: 'the handler marked the error as not retryable (NonRetryableError)' };
  if (run.attempt >= policy.maxAttempts) return { retry: false, dead: true, why: `attempts exhausted (${run.attempt} of ${policy.maxAttempts})` };
  return { retry: true, delayMs: retryDelayMs(policy, run.attempt, random) };
}

/**
 * Why an operator may not retry this run (null: they may). Allowed: a dead run, or one that
 * ended FAILED, TIMED_OUT, LOST or CANCELLED. A run still going, or one that SUCCEEDED or was
 * SKIPPED, is refused.
 */
export function manualRetryRefusal(run: { status: RunStatus; dead: boolean }): string | null {
  if (run.dead || isFailure(run.status) || run.status === 'CANCELLED') return null;
  switch (run.status) {
    case 'SCHEDULED':
    case 'DISPATCHED':
    case 'RUNNING':
      return `it is still ${run.status}; wait for it to end, or kill it first`;
    default:
      return `it ended ${run.status}; only dead runs and runs that ended FAILED, TIMED_OUT, LOST or CANCELLED can be retried`;
  }
}

/** Every attempt of a run's chain shares the first attempt's id as root (the first has none). */
export function chainRootOf(run: { id: string; rootRunId: string | null }): string {
  return run.rootRunId ?? run.id;
}
