import type { MisfirePolicy, RunStatus, ScheduleType, TriggerType } from '@baton/protocol';
import type { CompiledSchedule } from '../schedules/core/schedule.js';

/** What the planner needs to know about a due job. */
export interface DueJob {
  scheduleType: ScheduleType;
  nextFireAt: Date;
  misfirePolicy: MisfirePolicy;
  misfireThresholdMs: number;
  catchUpLimit: number;
}

/** One run row to insert. `fireTime` is the planned time it stands for (the dedup key). */
export interface PlannedFire {
  fireTime: Date;
  scheduledAt: Date;
  triggerType: TriggerType;
  status: Extract<RunStatus, 'SCHEDULED' | 'SKIPPED'>;
  reason: string | null;
}

export interface FirePlan {
  fires: PlannedFire[];
  /** The job's next planned fire after this plan; null when it waits (FIXED_DELAY) or is done. */
  nextFireAt: Date | null;
  /** ONCE jobs disable themselves after their fire. */
  disable: boolean;
}

export interface PlanWindow {
  now: Date;
  lookaheadMs: number;
}

/** Bounds the scan of missed fires after a long outage; beyond it only the count is approximate. */
export const MAX_MISSED_SCAN = 10_000;
/** Bounds regular fires planned for one job in one tick. */
export const MAX_FIRES_PER_PLAN = 1_000;

/**
 * Plans a due job's fires from its `nextFireAt` up to `now + lookahead`. Fires more than the
 * misfire threshold in the past are misfires and follow the job's policy: SKIP records one SKIPPED
 * run for the whole episode, FIRE_ONCE runs once now, CATCH_UP runs each missed fire (oldest first,
 * at most catchUpLimit) and records the rest as one SKIPPED run. Nothing is dropped silently.
 */
export function planFires(job: DueJob, schedule: CompiledSchedule, window: PlanWindow): FirePlan {
  if (job.scheduleType === 'FIXED_DELAY') return planFixedDelay(job, schedule, window);
  const horizon = window.now.getTime() + window.lookaheadMs;
  const { missed, resumeAt, truncated } = collectMissed(job, schedule, window.now.getTime());
  const fires = misfireRuns(job, missed, truncated, window.now);
  let next = resumeAt;
  for (let n = 0; next !== null && next.getTime() <= horizon && n < MAX_FIRES_PER_PLAN; n++) {
    fires.push(regularFire(job, next));
    next = schedule.nextAfter(next);
  }
  return { fires, nextFireAt: next, disable: job.scheduleType === 'ONCE' && next === null };
}

/**
 * FIXED_DELAY plans one fire, then waits for that run to end (nextFireAt null; the run's end
 * plans the next). A skipped fire has no run to wait for, so the next is planned from now.
 */
function planFixedDelay(job: DueJob, schedule: CompiledSchedule, window: PlanWindow): FirePlan {
  const late = window.now.getTime() - job.nextFireAt.getTime() > job.misfireThresholdMs;
  if (!late) return { fires: [regularFire(job, job.nextFireAt)], nextFireAt: null, disable: false };
  const fires = misfireRuns(job, [job.nextFireAt], false, window.now);
  const runs = fires.some((f) => f.status === 'SCHEDULED');
  return { fires, nextFireAt: runs ? null : schedule.nextAfter(window.now), disable: false };
}

function regularFire(job: DueJob, at: Date): PlannedFire {
  return { fireTime: at, scheduledAt: at, triggerType: job.scheduleType as TriggerType, status: 'SCHEDULED', reason: null };
}

/** Planned times older than the threshold, oldest first, and the first time that is not missed. */
function collectMissed(job: DueJob, schedule: CompiledSchedule, now: number): { missed: Date[]; resumeAt: Date | null; truncated: boolean } {
  const missed: Date[] = [];
  let t: Date | null = job.nextFireAt;
  while (t !== null && now - t.getTime() > job.misfireThresholdMs) {
    if (missed.length >= MAX_MISSED_SCAN) {
      // After a very long outage, jump to the first fire that is not late instead of walking there.
      return { missed, resumeAt: schedule.nextAfter(new Date(now - job.misfireThresholdMs - 1)), truncated: true };
    }
    missed.push(t);
    t = schedule.nextAfter(t);
  }
  return { missed, resumeAt: t, truncated: false };
}

function misfireRuns(job: DueJob, missed: Date[], truncated: boolean, now: Date): PlannedFire[] {
  if (missed.length === 0) return [];
  const first = missed[0]!;
  const last = missed[missed.length - 1]!;
  const count = `${missed.length}${truncated ? '+' : ''}`;
  const span = missed.length === 1 ? `planned for ${first.toISOString()}` : `${count} fires planned from ${first.toISOString()} to ${last.toISOString()}`;
  const late = `found ${now.getTime() - last.getTime()} ms late (threshold ${job.misfireThresholdMs} ms)`;
  switch (job.misfirePolicy) {
    case 'SKIP':
      return [skipped(last, now, `misfire skipped: ${span}, ${late}`)];
    case 'FIRE_ONCE':
      return [{ fireTime: last, scheduledAt: now, triggerType: 'MISFIRE', status: 'SCHEDULED', reason: `misfire, run once for ${span}; ${late}` }];
    case 'CATCH_UP': {
      const kept = missed.slice(0, job.catchUpLimit);
      const runs: PlannedFire[] = kept.map((t) => ({ fireTime: t, scheduledAt: now, triggerType: 'MISFIRE', status: 'SCHEDULED', reason: `misfire catch-up of the fire planned for ${t.toISOString()}` }));
      const dropped = missed.slice(job.catchUpLimit);
      if (dropped.length > 0) {
        runs.push(skipped(dropped[dropped.length - 1]!, now, `misfire: ${dropped.length}${truncated ? '+' : ''} fires from ${dropped[0]!.toISOString()} to ${dropped[dropped.length - 1]!.toISOString()} exceed catchUpLimit ${job.catchUpLimit} and were skipped`));
      }
      return runs;
    }
  }
}

function skipped(fireTime: Date, now: Date, reason: string): PlannedFire {
  return { fireTime, scheduledAt: now, triggerType: 'MISFIRE', status: 'SKIPPED', reason };
}
