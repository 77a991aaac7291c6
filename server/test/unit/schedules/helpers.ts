import { compileSchedule, type CompiledSchedule } from '../../../src/modules/schedules/core/schedule.js';

/** Accepts short ISO forms like `2026-01-01T09:00Z` and returns the full `toISOString()` form. */
export function iso(text: string): string {
  return new Date(text).toISOString();
}

export function cron(expression: string, timezone = 'UTC'): CompiledSchedule {
  return compileSchedule({ type: 'CRON', expression, timezone });
}

/** Iterates `nextAfter` up to `count` times, as ISO strings (stops early at null). */
export function fireTimes(schedule: CompiledSchedule, from: string, count: number): string[] {
  const result: string[] = [];
  let cursor: Date | null = new Date(from);
  while (result.length < count) {
    cursor = schedule.nextAfter(cursor);
    if (cursor === null) break;
    result.push(cursor.toISOString());
  }
  return result;
}

/** Runs `fn` and returns the ScheduleError it throws (fails the test if it does not throw). */
export function thrown(fn: () => unknown): { name: string; message: string; field: string } {
  try {
    fn();
  } catch (error) {
    return error as { name: string; message: string; field: string };
  }
  throw new Error('expected a ScheduleError to be thrown');
}
