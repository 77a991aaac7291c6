import type { MisfirePolicy } from '@baton/protocol';

export interface WaitingRun {
  id: string;
  scheduledAt: Date;
  /** Only fires the trigger loop planned are subject to misfire rules; requested runs always wait. */
  planned: boolean;
}

/**
 * Runs that could not start within the job's misfire threshold (no executor, all busy, or a
 * SERIAL predecessor still running) follow its misfire policy like fires the leader found late:
 * SKIP drops each such run, FIRE_ONCE keeps only the newest of them, CATCH_UP keeps them all.
 */
export function waitingMisfires(policy: MisfirePolicy, thresholdMs: number, runs: WaitingRun[], now: Date): { skip: string[]; reason: string } {
  const late = runs.filter((r) => r.planned && now.getTime() - r.scheduledAt.getTime() > thresholdMs);
  switch (policy) {
    case 'SKIP':
      return { skip: late.map((r) => r.id), reason: `misfire skipped: could not start within ${thresholdMs} ms of its planned time (SKIP)` };
    case 'FIRE_ONCE': {
      if (late.length < 2) return { skip: [], reason: '' };
      const newest = late.reduce((a, b) => (b.scheduledAt > a.scheduledAt ? b : a));
      return { skip: late.filter((r) => r !== newest).map((r) => r.id), reason: `misfire: a newer late run (${newest.id}) runs instead (FIRE_ONCE)` };
    }
    case 'CATCH_UP':
      return { skip: [], reason: '' };
  }
}
