import { ALERT_KINDS, type AlertKind, type RunStatus, type TriggerType } from '@baton/protocol';
import { nextAttemptDecision, type RetryPolicy } from '../retries/retry-policy.js';

/** The run fields the alert kinds depend on. */
export interface EndedRunFacts {
  status: RunStatus;
  triggerType: TriggerType;
  statusReason: string | null;
  attempt: number;
  retryable: boolean;
  dead: boolean;
}

const FAILURES: readonly RunStatus[] = ['FAILED', 'TIMED_OUT', 'LOST'];

/**
 * What the end of a run alerts about. RUN_DEAD is decided here rather than read from
 * `runs.dead`, which the retry planner may set a moment later: a failure is dead when it is
 * already marked so, or when the job's retry policy gives it no further attempt (attempts
 * exhausted, outcome not in retryOn, or the handler refused retries). `policy` null: the job is
 * gone, so nothing follows either. RUN_LOST: every LOST run. MISFIRE_SKIPPED: a fire the misfire
 * policy skipped, at planning (trigger type MISFIRE) or while it waited (reason "misfire…").
 */
export function alertKindsForRun(run: EndedRunFacts, policy: RetryPolicy | null): AlertKind[] {
  const kinds: AlertKind[] = [];
  if (FAILURES.includes(run.status) && (run.dead || policy === null || !nextAttemptDecision(run, policy).retry)) kinds.push('RUN_DEAD');
  if (run.status === 'LOST') kinds.push('RUN_LOST');
  if (isMisfireSkip(run)) kinds.push('MISFIRE_SKIPPED');
  return kinds;
}

export function isMisfireSkip(run: Pick<EndedRunFacts, 'status' | 'triggerType' | 'statusReason'>): boolean {
  return run.status === 'SKIPPED' && (run.triggerType === 'MISFIRE' || (run.statusReason ?? '').startsWith('misfire'));
}

/** Whether a run ending with this status can alert at all (no query is spent on the rest). */
export function mayAlert(status: RunStatus): boolean {
  return FAILURES.includes(status) || status === 'SKIPPED';
}

/**
 * Suppression: within `windowMs` after an alert of the same (job, kind, channel) went out, a
 * further one is recorded SUPPRESSED. The window runs from the last alert that was not itself
 * suppressed, so a steady stream of failures gives one alert per window, not one ever.
 */
export function isSuppressed(lastOutAt: Date | null, windowMs: number, now: Date): boolean {
  return lastOutAt !== null && windowMs > 0 && now.getTime() < lastOutAt.getTime() + windowMs;
}

export const MAX_ALERT_RETRY_DELAY_MS = 300_000;

/** The pause after the `failedAttempts`-th failed delivery: base, 2·base, 4·base… capped at 5 minutes. */
export function alertRetryDelayMs(failedAttempts: number, baseMs: number): number {
  const exponent = Math.min(Math.max(Math.floor(failedAttempts) - 1, 0), 30);
  return Math.min(baseMs * 2 ** exponent, MAX_ALERT_RETRY_DELAY_MS);
}

export type DeliveryNext = { status: 'FAILED'; nextAttemptAt: null } | { status: 'PENDING'; nextAttemptAt: Date };

/** After a failed delivery (the `attempts`-th): try again after the backoff, or give up. */
export function afterFailedDelivery(attempts: number, maxAttempts: number, baseMs: number, now: Date): DeliveryNext {
  if (attempts >= maxAttempts) return { status: 'FAILED', nextAttemptAt: null };
  return { status: 'PENDING', nextAttemptAt: new Date(now.getTime() + alertRetryDelayMs(attempts, baseMs)) };
}

/** The stored event filter (comma-separated) to kinds, keeping only known ones, in canonical order. */
export function parseEvents(csv: string): AlertKind[] {
  const listed = new Set(csv.split(','));
  return ALERT_KINDS.filter((k) => listed.has(k));
}

export function formatEvents(kinds: readonly AlertKind[]): string {
  const set = new Set(kinds);
  return ALERT_KINDS.filter((k) => set.has(k)).join(',');
}
