import { FINAL_RUN_STATUSES, type FinalRunStatus, type RunStatus } from '@baton/protocol';

/**
 * Every allowed run status change, in one table. Each change is made by one guarded UPDATE
 * (`… WHERE id = ? AND status IN (<from>)`), whose affected-row count decides who won.
 * Values: the statuses a run may move INTO the key from.
 */
export const ALLOWED_FROM: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  SCHEDULED: ['DISPATCHED'], // an unacknowledged or refused dispatch goes back to wait
  DISPATCHED: ['SCHEDULED'],
  RUNNING: ['DISPATCHED'],
  SUCCEEDED: ['DISPATCHED', 'RUNNING'],
  FAILED: ['DISPATCHED', 'RUNNING'],
  TIMED_OUT: ['DISPATCHED', 'RUNNING'],
  CANCELLED: ['SCHEDULED', 'DISPATCHED', 'RUNNING'],
  LOST: ['DISPATCHED', 'RUNNING'],
  SKIPPED: ['SCHEDULED'],
};

export function canMove(from: RunStatus, to: RunStatus): boolean {
  return ALLOWED_FROM[to].includes(from);
}

export function isFinal(status: RunStatus): status is FinalRunStatus {
  return (FINAL_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

/** SQL list for `status IN (…)`, from the table (statuses are constants, never user input). */
export function fromList(to: RunStatus): string {
  return ALLOWED_FROM[to].map((s) => `'${s}'`).join(', ');
}
