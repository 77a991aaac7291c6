import { describe, expect, it } from 'vitest';
import { parseIntervalMs } from '../../../src/modules/schedules/core/interval.js';
import { compileSchedule, ScheduleError } from '../../../src/modules/schedules/core/schedule.js';
import { thrown } from './helpers.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseIntervalMs: valid intervals', () => {
  it.each([
    ['30000', 30 * SECOND],
    ['1000', SECOND],
    [' 60000 ', MINUTE],
    ['PT30S', 30 * SECOND],
    ['PT1H30M', HOUR + 30 * MINUTE],
    ['P1D', DAY],
    ['P2W', 14 * DAY],
    ['P1DT12H', DAY + 12 * HOUR],
    ['PT1.5S', 1500],
    ['PT1,25S', 1250],
    ['PT2.005S', 2005],
    ['pt45m', 45 * MINUTE],
    ['P366D', 366 * DAY],
    ['PT8784H', 366 * DAY],
    ['P52W', 364 * DAY],
    ['31622400000', 366 * DAY],
  ])('%j = %d ms', (expression, ms) => {
    expect(parseIntervalMs(expression)).toBe(ms);
  });
});

describe('parseIntervalMs: invalid intervals', () => {
  const NOT_VALID = 'is not valid — use milliseconds (e.g. "30000") or an ISO 8601 duration (e.g. "PT30S", "PT1H30M", "P1D")';
  it.each([
    ['', 'An interval is required, e.g. "30000" (milliseconds) or "PT30S"'],
    ['999', 'Interval "999" is too short — the minimum is 1 second (1000 ms)'],
    ['0', 'Interval "0" is too short — the minimum is 1 second (1000 ms)'],
    ['PT0.5S', 'Interval "PT0.5S" is too short — the minimum is 1 second (1000 ms)'],
    ['P367D', 'Interval "P367D" is too long — the maximum is 366 days'],
    ['P53W', 'Interval "P53W" is too long — the maximum is 366 days'],
    ['31622400001', 'Interval "31622400001" is too long — the maximum is 366 days'],
    ['P1M', 'Interval "P1M" uses months, which vary in length — use a CRON schedule instead (e.g. "0 0 0 1 * ?")'],
    ['P1M2D', 'Interval "P1M2D" uses months, which vary in length — use a CRON schedule instead (e.g. "0 0 0 1 * ?")'],
    ['P1Y', 'Interval "P1Y" uses years, which vary in length — use a CRON schedule instead (e.g. "0 0 0 1 1 ?")'],
    ['PT1.5H', `Interval "PT1.5H" ${NOT_VALID}`],
    ['PT0.0001S', `Interval "PT0.0001S" ${NOT_VALID}`],
    ['-5000', `Interval "-5000" ${NOT_VALID}`],
    ['1.5', `Interval "1.5" ${NOT_VALID}`],
    ['30s', `Interval "30s" ${NOT_VALID}`],
    ['P', `Interval "P" ${NOT_VALID}`],
    ['PT', `Interval "PT" ${NOT_VALID}`],
    ['1 hour', `Interval "1 hour" ${NOT_VALID}`],
  ])('%j', (expression, message) => {
    const error = thrown(() => parseIntervalMs(expression));
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error).toMatchObject({ field: 'expression', message });
  });
});

describe('FIXED_RATE and FIXED_DELAY schedules', () => {
  it.each(['FIXED_RATE', 'FIXED_DELAY'] as const)('%s fires one interval after the given time', (type) => {
    const schedule = compileSchedule({ type, expression: ' PT1H30M ', timezone: 'europe/berlin' });
    expect(schedule.spec).toEqual({ type, expression: 'PT1H30M', timezone: 'Europe/Berlin' });
    expect(schedule.nextAfter(new Date('2026-03-29T00:45:00.250Z'))).toEqual(new Date('2026-03-29T02:15:00.250Z'));
  });

  it('ignores DST: a day is exactly 24 hours', () => {
    const schedule = compileSchedule({ type: 'FIXED_RATE', expression: 'P1D', timezone: 'Europe/Berlin' });
    expect(schedule.nextAfter(new Date('2026-03-28T12:00:00Z'))).toEqual(new Date('2026-03-29T12:00:00Z'));
  });

  it('still validates the time zone', () => {
    const error = thrown(() => compileSchedule({ type: 'FIXED_DELAY', expression: '30000', timezone: 'Mars/Base' }));
    expect(error).toMatchObject({ field: 'timezone' });
  });
});
