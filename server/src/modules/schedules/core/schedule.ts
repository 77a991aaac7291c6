/**
 * The pure schedule engine: validates a schedule spec and computes fire times.
 * No Nest, no database; see docs/scheduling.md for the user-facing rules.
 */
import { SCHEDULE_TYPES, type ScheduleType } from '@baton/protocol';
import { MAX_YEAR } from './cron-pattern.js';
import { parseIntervalMs } from './interval.js';
import { parseOnceInstant } from './once.js';
import { parseCron } from './quartz-cron.js';
import { ScheduleError } from './schedule-error.js';
import { ZonedCron } from './zoned-cron.js';
import { formatInZone, normalizeTimezone, zoneRules } from './zoned-time.js';

export { ScheduleError, formatInZone, normalizeTimezone };

export interface ScheduleSpec {
  type: ScheduleType;
  expression: string | null;
  timezone: string;
}

export interface CompiledSchedule {
  /** Normalized: expression trimmed (null for NONE), timezone canonical. */
  readonly spec: ScheduleSpec;
  /** The next planned fire time strictly after `after`, or null when it can never fire again. */
  nextAfter(after: Date): Date | null;
}

/** Parses and validates; throws ScheduleError. Does NOT check that the schedule fires again. */
export function compileSchedule(spec: ScheduleSpec): CompiledSchedule {
  const type = validateType(spec.type);
  const timezone = normalizeTimezone(spec.timezone);
  const expression = typeof spec.expression === 'string' ? spec.expression.trim() : '';
  switch (type) {
    case 'NONE':
      return compileNone(expression, timezone);
    case 'ONCE':
      return compileOnce(expression, timezone);
    case 'FIXED_RATE':
    case 'FIXED_DELAY':
      return compileInterval(type, expression, timezone);
    case 'CRON':
      return compileCron(expression, timezone);
  }
}

/** compileSchedule, plus a ScheduleError when the schedule can never fire after `now` (NONE excepted: it never fires by design). */
export function compileLiveSchedule(spec: ScheduleSpec, now: Date): CompiledSchedule {
  const schedule = compileSchedule(spec);
  if (schedule.spec.type !== 'NONE' && schedule.nextAfter(now) === null) {
    throw new ScheduleError(neverFiresMessage(schedule.spec), 'expression');
  }
  return schedule;
}

/** The next `count` fire times after `from` (fewer if it stops firing). */
export function previewFireTimes(schedule: CompiledSchedule, from: Date, count: number): Date[] {
  const times: Date[] = [];
  for (let next = schedule.nextAfter(from); next !== null && times.length < count; next = schedule.nextAfter(next)) {
    times.push(next);
  }
  return times;
}

function validateType(type: unknown): ScheduleType {
  if ((SCHEDULE_TYPES as readonly unknown[]).includes(type)) return type as ScheduleType;
  throw new ScheduleError(`Unknown schedule type "${String(type)}" — use CRON, FIXED_RATE, FIXED_DELAY, ONCE or NONE`, 'type');
}

function neverFiresMessage(spec: ScheduleSpec): string {
  if (spec.type === 'ONCE') return `ONCE time "${spec.expression}" is in the past, so the job can never fire again — pick a future time`;
  return `Cron expression "${spec.expression}" can never fire again — no date up to the year ${MAX_YEAR} matches it`;
}

function compileNone(expression: string, timezone: string): CompiledSchedule {
  if (expression !== '') {
    throw new ScheduleError('A NONE schedule takes no expression — clear it, or pick another schedule type', 'expression');
  }
  return { spec: { type: 'NONE', expression: null, timezone }, nextAfter: () => null };
}

function compileOnce(expression: string, timezone: string): CompiledSchedule {
  const instant = parseOnceInstant(expression);
  return {
    spec: { type: 'ONCE', expression, timezone },
    nextAfter: (after) => (instant > after.getTime() ? new Date(instant) : null),
  };
}

/** The trigger engine passes the previous planned time (FIXED_RATE) or the previous run's end (FIXED_DELAY). */
function compileInterval(type: 'FIXED_RATE' | 'FIXED_DELAY', expression: string, timezone: string): CompiledSchedule {
  const interval = parseIntervalMs(expression);
  return {
    spec: { type, expression, timezone },
    nextAfter: (after) => new Date(after.getTime() + interval),
  };
}

function compileCron(expression: string, timezone: string): CompiledSchedule {
  const cron = new ZonedCron(parseCron(expression), zoneRules(timezone));
  return {
    spec: { type: 'CRON', expression, timezone },
    nextAfter: (after) => {
      const next = cron.nextAfter(after.getTime());
      return next === null ? null : new Date(next);
    },
  };
}
