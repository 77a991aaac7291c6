/**
 * Intervals for FIXED_RATE / FIXED_DELAY: whole milliseconds ("30000") or an ISO 8601 duration
 * limited to fixed-length units (W, D, H, M, S; a day is exactly 24 h).
 */
import { ScheduleError } from './schedule-error.js';
import { DAY, HOUR, MINUTE, SECOND } from './zoned-time.js';

export const MIN_INTERVAL_MS = SECOND;
export const MAX_INTERVAL_MS = 366 * DAY;

const WEEK = 7 * DAY;
const MILLISECONDS = /^\d+$/;
/** P[nW][nD][T[nH][nM][n[.fff]S]], fraction on seconds only (at most millisecond precision). */
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?$/i;
/** Calendar units whose length varies: P1Y, P1M, P1Y2M... (M before any T means months). */
const CALENDAR_UNIT = /^P(?:\d+Y)?(?:\d+M)?/i;

/** Parses an interval to milliseconds; throws ScheduleError (field 'expression'). */
export function parseIntervalMs(expr: string): number {
  const text = typeof expr === 'string' ? expr.trim() : '';
  if (text === '') throw fail('An interval is required, e.g. "30000" (milliseconds) or "PT30S"');
  const ms = MILLISECONDS.test(text) ? Number(text) : parseDuration(text);
  if (ms < MIN_INTERVAL_MS) throw fail(`Interval "${text}" is too short — the minimum is 1 second (1000 ms)`);
  if (ms > MAX_INTERVAL_MS) throw fail(`Interval "${text}" is too long — the maximum is 366 days`);
  return ms;
}

function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (match === null || !/\d/.test(text)) throw notValid(text);
  const [, weeks, days, hours, minutes, seconds, fraction] = match;
  return (
    count(weeks) * WEEK +
    count(days) * DAY +
    count(hours) * HOUR +
    count(minutes) * MINUTE +
    count(seconds) * SECOND +
    Number((fraction ?? '').padEnd(3, '0'))
  );
}

function notValid(text: string): ScheduleError {
  const calendar = CALENDAR_UNIT.exec(text)?.[0] ?? 'P';
  if (/M/i.test(calendar)) {
    return fail(`Interval "${text}" uses months, which vary in length — use a CRON schedule instead (e.g. "0 0 0 1 * ?")`);
  }
  if (/Y/i.test(calendar)) {
    return fail(`Interval "${text}" uses years, which vary in length — use a CRON schedule instead (e.g. "0 0 0 1 1 ?")`);
  }
  return fail(
    `Interval "${text}" is not valid — use milliseconds (e.g. "30000") or an ISO 8601 duration (e.g. "PT30S", "PT1H30M", "P1D")`,
  );
}

function count(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits);
}

function fail(message: string): ScheduleError {
  return new ScheduleError(message, 'expression');
}
