import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../../../src/modules/schedules/core/schedule.js';
import { cron, thrown } from './helpers.js';

const FIELD_COUNT =
  'expected 6 or 7 fields (Quartz: second minute hour day-of-month month day-of-week [year]) or 5 (Unix), got';

const cases: ReadonlyArray<readonly [expression: string, message: string]> = [
  ['', 'A CRON schedule needs an expression, e.g. "0 0 9 * * ?"'],
  ['   ', 'A CRON schedule needs an expression, e.g. "0 0 9 * * ?"'],
  ['0 0 * *', `Invalid cron expression: ${FIELD_COUNT} 4`],
  ['0 0 0 * * ? 2026 1', `Invalid cron expression: ${FIELD_COUNT} 8`],
  ['60 * * * * ?', 'Invalid cron expression: second "60" is out of range 0-59'],
  ['0 60 * * * ?', 'Invalid cron expression: minute "60" is out of range 0-59'],
  ['0 0 25 * * ?', 'Invalid cron expression: hour "25" is out of range 0-23'],
  ['0 0 20-25 * * ?', 'Invalid cron expression: hour "25" is out of range 0-23'],
  ['0 0 0 32 * ?', 'Invalid cron expression: day-of-month "32" is out of range 1-31'],
  ['0 0 0 0 * ?', 'Invalid cron expression: day-of-month "0" is out of range 1-31'],
  ['0 0 0 * 13 ?', 'Invalid cron expression: month "13" is out of range 1-12'],
  ['0 0 0 ? * 8', 'Invalid cron expression: day-of-week "8" is out of range 1-7'],
  ['0 0 0 ? * 0', 'Invalid cron expression: day-of-week "0" is out of range 1-7'],
  ['0 0 * * 8', 'Invalid cron expression: day-of-week "8" is out of range 0-7'],
  ['0 0 0 1 1 ? 1969', 'Invalid cron expression: year "1969" is out of range 1970-2199'],
  ['0 0 0 1 1 ? 2200', 'Invalid cron expression: year "2200" is out of range 1970-2199'],
  ['0 */0 * * * ?', 'Invalid cron expression: minute step "0" is out of range 1-59'],
  ['*/60 * * * * ?', 'Invalid cron expression: second step "60" is out of range 1-59'],
  ['0 0 */24 * * ?', 'Invalid cron expression: hour step "24" is out of range 1-23'],
  ['0 5/x * * * ?', 'Invalid cron expression: minute step "x" is not a number'],
  ['0 0 x * * ?', 'Invalid cron expression: hour "x" is not a number'],
  ['0 0 0 1 FOO ?', 'Invalid cron expression: month "FOO" is not a number or month name (JAN-DEC)'],
  ['0 0 0 ? * FUN', 'Invalid cron expression: day-of-week "FUN" is not a number or day name (SUN-SAT)'],
  ['0 0 0 ? * MON-FUN', 'Invalid cron expression: day-of-week "FUN" is not a number or day name (SUN-SAT)'],
  ['0 0 1-2-3 * * ?', 'Invalid cron expression: hour "1-2-3" is not a valid range; write it as low-high, e.g. 1-5'],
  ['0 0 0 1,,2 * ?', 'Invalid cron expression: day-of-month "1,,2" has an empty list item'],
  ['0 0 ? * * ?', 'Invalid cron expression: hour "?" uses ?, which is only allowed in day-of-month or day-of-week'],
  ['0 0 0 ?,1 * ?', 'Invalid cron expression: day-of-month "?" uses ?, which must stand alone'],
  ['0 0 L * * ?', 'Invalid cron expression: hour "L" uses L or W, which are only allowed in day-of-month or day-of-week'],
  ['0 0 0 ? L *', 'Invalid cron expression: month "L" uses L or W, which are only allowed in day-of-month or day-of-week'],
  ['0 0 0 5L * ?', 'Invalid cron expression: day-of-month "5L" is not valid; use L, L-3 or LW for the end of the month'],
  ['0 0 0 L-31 * ?', 'Invalid cron expression: day-of-month "L-31" is out of range L-1 to L-30'],
  ['0 0 0 1-5W * ?', 'Invalid cron expression: day-of-month "1-5W" must be a single day before W, e.g. 15W'],
  ['0 0 0 32W * ?', 'Invalid cron expression: day-of-month "32" is out of range 1-31'],
  ['0 0 0 ? * 5W', 'Invalid cron expression: day-of-week "5W" uses W, which is only allowed in day-of-month (e.g. 15W)'],
  ['0 0 0 6#3 * ?', 'Invalid cron expression: day-of-month "6#3" uses #, which is only allowed in day-of-week (e.g. 6#3)'],
  ['0 0 0 ? * 6#6', 'Invalid cron expression: day-of-week "6#6" needs an occurrence 1-5 after #, e.g. 6#3'],
  ['0 0 0 ? * 6#0', 'Invalid cron expression: day-of-week "6#0" needs an occurrence 1-5 after #, e.g. 6#3'],
  ['0 0 0 15 * MON', 'Invalid cron expression: set day-of-month or day-of-week to ? — Quartz cron cannot constrain both'],
  ['0 0 0 29 2 MON', 'Invalid cron expression: set day-of-month or day-of-week to ? — Quartz cron cannot constrain both'],
  ['0 0 0 1 1 ? 2030-2025', 'Invalid cron expression: year "2030-2025" is a backwards range; write it low-high'],
  ['@often', 'Invalid cron expression: unknown macro "@often" — use @yearly, @monthly, @weekly, @daily, @hourly or @minutely'],
  ['@daily 5', 'Invalid cron expression: unknown macro "@daily 5" — use @yearly, @monthly, @weekly, @daily, @hourly or @minutely'],
];

describe('invalid cron expressions are rejected with an exact, actionable message', () => {
  it.each(cases)('%j', (expression, message) => {
    const error = thrown(() => cron(expression));
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error).toMatchObject({ name: 'ScheduleError', field: 'expression', message });
  });

  it('has at least 20 distinct invalid expressions', () => {
    expect(new Set(cases.map(([expression]) => expression)).size).toBeGreaterThanOrEqual(20);
  });
});
