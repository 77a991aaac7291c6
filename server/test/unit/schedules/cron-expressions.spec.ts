import { describe, expect, it } from 'vitest';
import { cron, fireTimes, iso } from './helpers.js';

/** 2026-01-01 is a Thursday. Calendar notes sit next to the cases that depend on them. */
const NEW_YEAR = '2026-01-01T00:00:00Z';

interface Case {
  expression: string;
  expected: string[];
  timezone?: string;
  from?: string;
  /** How many fire times to ask for (defaults to expected.length); larger than expected.length means "then it stops". */
  ask?: number;
}

function run(cases: readonly Case[]): void {
  it.each(cases.map((c) => [c.expression, c.timezone ?? 'UTC', c] as const))('%s  (%s)', (_expression, timezone, c) => {
    const actual = fireTimes(cron(c.expression, timezone), c.from ?? NEW_YEAR, c.ask ?? c.expected.length);
    expect(actual).toEqual(c.expected.map(iso));
  });
}

describe('seconds, minutes, hours: lists, ranges, steps, wrap-around', () => {
  run([
    { expression: '* * * * * ?', expected: ['2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z', '2026-01-01T00:00:03Z'] },
    {
      expression: '*/15 * * * * ?',
      expected: ['2026-01-01T00:00:15Z', '2026-01-01T00:00:30Z', '2026-01-01T00:00:45Z', '2026-01-01T00:01:00Z'],
    },
    {
      expression: '5/20 * * * * ?',
      expected: ['2026-01-01T00:00:05Z', '2026-01-01T00:00:25Z', '2026-01-01T00:00:45Z', '2026-01-01T00:01:05Z'],
    },
    {
      expression: '10-50/10 * * * * ?',
      expected: [
        '2026-01-01T00:00:10Z',
        '2026-01-01T00:00:20Z',
        '2026-01-01T00:00:30Z',
        '2026-01-01T00:00:40Z',
        '2026-01-01T00:00:50Z',
        '2026-01-01T00:01:10Z',
      ],
    },
    { expression: '0 * * * * ?', expected: ['2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z'] },
    {
      expression: '0 0/15 * * * ?',
      expected: ['2026-01-01T00:15:00Z', '2026-01-01T00:30:00Z', '2026-01-01T00:45:00Z', '2026-01-01T01:00:00Z'],
    },
    {
      expression: '30 5,35 * * * ?',
      expected: ['2026-01-01T00:05:30Z', '2026-01-01T00:35:30Z', '2026-01-01T01:05:30Z'],
    },
    { expression: '0 0 * * * ?', expected: ['2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z'] },
    {
      expression: '0 0 9-17 * * ?',
      from: '2026-01-01T16:30:00Z',
      expected: ['2026-01-01T17:00:00Z', '2026-01-02T09:00:00Z', '2026-01-02T10:00:00Z'],
    },
    {
      // wrap-around hour range: 22,23,0,1,2
      expression: '0 0 22-2 * * ?',
      expected: [
        '2026-01-01T01:00:00Z',
        '2026-01-01T02:00:00Z',
        '2026-01-01T22:00:00Z',
        '2026-01-01T23:00:00Z',
        '2026-01-02T00:00:00Z',
      ],
    },
    {
      // wrap-around with a step: 22,0,2
      expression: '0 0 22-2/2 * * ?',
      expected: ['2026-01-01T02:00:00Z', '2026-01-01T22:00:00Z', '2026-01-02T00:00:00Z', '2026-01-02T02:00:00Z'],
    },
    {
      // wrap-around minutes: 50-59 and 0-10, every 10
      expression: '0 50-10/10 * * * ?',
      expected: ['2026-01-01T00:10:00Z', '2026-01-01T00:50:00Z', '2026-01-01T01:00:00Z', '2026-01-01T01:10:00Z'],
    },
    { expression: '0 0 12 * * ?', expected: ['2026-01-01T12:00:00Z', '2026-01-02T12:00:00Z'] },
    { expression: '0 15 10 ? * *', expected: ['2026-01-01T10:15:00Z', '2026-01-02T10:15:00Z'] },
    {
      // tabs and runs of spaces between fields
      expression: '0\t0  12 \t * * ?',
      expected: ['2026-01-01T12:00:00Z', '2026-01-02T12:00:00Z'],
    },
  ]);
});

describe('day of month: lists, steps, wrap-around, end of month', () => {
  run([
    {
      expression: '0 0 12 1/5 * ?',
      expected: ['2026-01-01T12:00:00Z', '2026-01-06T12:00:00Z', '2026-01-11T12:00:00Z'],
    },
    {
      expression: '0 0 0 1,15 * ?',
      expected: ['2026-01-15T00:00:00Z', '2026-02-01T00:00:00Z', '2026-02-15T00:00:00Z'],
    },
    {
      // the 31st skips short months
      expression: '0 0 0 31 * ?',
      expected: ['2026-01-31T00:00:00Z', '2026-03-31T00:00:00Z', '2026-05-31T00:00:00Z', '2026-07-31T00:00:00Z'],
    },
    {
      expression: '0 0 0 30 * ?',
      expected: ['2026-01-30T00:00:00Z', '2026-03-30T00:00:00Z', '2026-04-30T00:00:00Z'],
    },
    {
      // wrap-around: 28..31 then 1..3
      expression: '0 0 0 28-3 * ?',
      expected: [
        '2026-01-02T00:00:00Z',
        '2026-01-03T00:00:00Z',
        '2026-01-28T00:00:00Z',
        '2026-01-29T00:00:00Z',
        '2026-01-30T00:00:00Z',
        '2026-01-31T00:00:00Z',
        '2026-02-01T00:00:00Z',
      ],
    },
  ]);
});

describe('L, L-n, LW, nW in day of month', () => {
  run([
    {
      expression: '0 0 0 L * ?',
      expected: ['2026-01-31T00:00:00Z', '2026-02-28T00:00:00Z', '2026-03-31T00:00:00Z', '2026-04-30T00:00:00Z'],
    },
    {
      expression: '0 0 0 L-3 * ?',
      expected: ['2026-01-28T00:00:00Z', '2026-02-25T00:00:00Z', '2026-03-28T00:00:00Z', '2026-04-27T00:00:00Z'],
    },
    {
      // L-30 exists only in 31-day months (it is the 1st); Jan 1 00:00 itself is not strictly after `from`
      expression: '0 0 0 L-30 * ?',
      expected: ['2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'],
    },
    {
      // Jan 31 is a Saturday -> Fri 30; Feb 28 Sat -> Fri 27; Mar 31 Tue; Apr 30 Thu; May 31 Sun -> Fri 29
      expression: '0 0 0 LW * ?',
      expected: [
        '2026-01-30T00:00:00Z',
        '2026-02-27T00:00:00Z',
        '2026-03-31T00:00:00Z',
        '2026-04-30T00:00:00Z',
        '2026-05-29T00:00:00Z',
      ],
    },
    {
      // Jan 15 Thu; Feb 15 Sun -> Mon 16; Mar 15 Sun -> Mon 16; Apr 15 Wed
      expression: '0 0 0 15W * ?',
      expected: ['2026-01-15T00:00:00Z', '2026-02-16T00:00:00Z', '2026-03-16T00:00:00Z', '2026-04-15T00:00:00Z'],
    },
    {
      // Feb 1 Sun -> Mon 2; Mar 1 Sun -> Mon 2; Apr 1 Wed; May 1 Fri
      expression: '0 0 0 1W * ?',
      expected: ['2026-02-02T00:00:00Z', '2026-03-02T00:00:00Z', '2026-04-01T00:00:00Z', '2026-05-01T00:00:00Z'],
    },
    {
      // Aug 1 2026 is a Saturday: W never crosses back into July, so Monday the 3rd
      expression: '0 0 9 1W 8 ?',
      expected: ['2026-08-03T09:00:00Z'],
    },
    {
      // 31W: Jan 31 Sat -> Fri 30; no 31st in Feb/Apr; Mar 31 Tue; May 31 Sun (last day) -> Fri 29; Jul 31 Fri
      expression: '0 0 0 31W * ?',
      expected: ['2026-01-30T00:00:00Z', '2026-03-31T00:00:00Z', '2026-05-29T00:00:00Z', '2026-07-31T00:00:00Z'],
    },
    {
      expression: '0 0 0 1,L * ?',
      expected: ['2026-01-31T00:00:00Z', '2026-02-01T00:00:00Z', '2026-02-28T00:00:00Z', '2026-03-01T00:00:00Z'],
    },
  ]);
});

describe('day of week: names, ranges, wrap-around, L, nL, #', () => {
  run([
    {
      // Jan 1 Thu, Jan 2 Fri, Jan 5 Mon
      expression: '0 0 9 ? * MON-FRI',
      expected: ['2026-01-01T09:00:00Z', '2026-01-02T09:00:00Z', '2026-01-05T09:00:00Z', '2026-01-06T09:00:00Z'],
    },
    {
      expression: '0 0 9 ? * 2-6',
      expected: ['2026-01-01T09:00:00Z', '2026-01-02T09:00:00Z', '2026-01-05T09:00:00Z', '2026-01-06T09:00:00Z'],
    },
    {
      // wrap-around: Fri, Sat, Sun, Mon
      expression: '0 0 9 ? * FRI-MON',
      expected: [
        '2026-01-02T09:00:00Z',
        '2026-01-03T09:00:00Z',
        '2026-01-04T09:00:00Z',
        '2026-01-05T09:00:00Z',
        '2026-01-09T09:00:00Z',
      ],
    },
    {
      expression: '0 0 9 ? * sat,sun',
      expected: ['2026-01-03T09:00:00Z', '2026-01-04T09:00:00Z', '2026-01-10T09:00:00Z'],
    },
    {
      // Quartz numbering: 1/3 = 1,4,7 = SUN, WED, SAT
      expression: '0 0 9 ? * 1/3',
      expected: ['2026-01-03T09:00:00Z', '2026-01-04T09:00:00Z', '2026-01-07T09:00:00Z', '2026-01-10T09:00:00Z'],
    },
    {
      // lone L in day-of-week = Saturday
      expression: '0 0 0 ? * L',
      expected: ['2026-01-03T00:00:00Z', '2026-01-10T00:00:00Z', '2026-01-17T00:00:00Z'],
    },
    {
      // 6L = last Friday
      expression: '0 0 0 ? * 6L',
      expected: ['2026-01-30T00:00:00Z', '2026-02-27T00:00:00Z', '2026-03-27T00:00:00Z', '2026-04-24T00:00:00Z'],
    },
    {
      expression: '0 0 0 ? * MONL',
      expected: ['2026-01-26T00:00:00Z', '2026-02-23T00:00:00Z', '2026-03-30T00:00:00Z', '2026-04-27T00:00:00Z'],
    },
    {
      // 6#3 = third Friday
      expression: '0 0 10 ? * 6#3',
      expected: ['2026-01-16T10:00:00Z', '2026-02-20T10:00:00Z', '2026-03-20T10:00:00Z', '2026-04-17T10:00:00Z'],
    },
    {
      expression: '0 0 10 ? * MON#1',
      expected: ['2026-01-05T10:00:00Z', '2026-02-02T10:00:00Z', '2026-03-02T10:00:00Z', '2026-04-06T10:00:00Z'],
    },
    {
      // fifth Thursday: months without one are skipped (Feb, Mar, May, Jun)
      expression: '0 0 0 ? * 5#5',
      expected: ['2026-01-29T00:00:00Z', '2026-04-30T00:00:00Z', '2026-07-30T00:00:00Z'],
    },
    {
      expression: '0 0 0 ? * SUN#2,SUN#4',
      expected: ['2026-01-11T00:00:00Z', '2026-01-25T00:00:00Z', '2026-02-08T00:00:00Z', '2026-02-22T00:00:00Z'],
    },
  ]);
});

describe('months and years', () => {
  run([
    {
      expression: '0 0 0 1 JAN-MAR ?',
      expected: ['2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    },
    {
      // wrap-around months: NOV, DEC, JAN, FEB
      expression: '0 0 0 1 nov-feb ?',
      expected: ['2026-02-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    },
    {
      expression: '0 0 0 1 */4 ?',
      expected: ['2026-05-01T00:00:00Z', '2026-09-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    },
    {
      expression: '0 0 0 1 1 ? 2027-2029',
      ask: 5,
      expected: ['2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z', '2029-01-01T00:00:00Z'],
    },
    {
      expression: '0 0 0 1 1 ? 2030/5',
      expected: ['2030-01-01T00:00:00Z', '2035-01-01T00:00:00Z', '2040-01-01T00:00:00Z'],
    },
    {
      expression: '0 0 0 1 6 ? 2026,2028,2031',
      ask: 4,
      expected: ['2026-06-01T00:00:00Z', '2028-06-01T00:00:00Z', '2031-06-01T00:00:00Z'],
    },
    {
      expression: '0 0 0 1 1 ? 2199',
      ask: 2,
      expected: ['2199-01-01T00:00:00Z'],
    },
  ]);
});

describe('leap years', () => {
  run([
    {
      // Feb 29 only in leap years
      expression: '0 0 0 29 2 ?',
      expected: ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z', '2036-02-29T00:00:00Z'],
    },
    {
      // L in February is the 29th in 2028
      expression: '0 0 0 L 2 ?',
      expected: ['2026-02-28T00:00:00Z', '2027-02-28T00:00:00Z', '2028-02-29T00:00:00Z', '2029-02-28T00:00:00Z'],
    },
    {
      // 2100 is not a leap year
      expression: '0 0 0 29 2 ? 2097-2105',
      ask: 3,
      expected: ['2104-02-29T00:00:00Z'],
    },
    {
      // a fifth Monday in February only happens when Feb 29 is a Monday
      expression: '0 0 0 ? 2 MON#5',
      expected: ['2044-02-29T00:00:00Z', '2072-02-29T00:00:00Z', '2112-02-29T00:00:00Z'],
    },
  ]);
});

describe('macros', () => {
  run([
    { expression: '@yearly', expected: ['2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z'] },
    { expression: '@annually', expected: ['2027-01-01T00:00:00Z'] },
    { expression: '@monthly', expected: ['2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'] },
    // Sunday 00:00
    { expression: '@weekly', expected: ['2026-01-04T00:00:00Z', '2026-01-11T00:00:00Z'] },
    { expression: '@daily', expected: ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'] },
    { expression: '@midnight', expected: ['2026-01-02T00:00:00Z'] },
    { expression: '@DAILY', expected: ['2026-01-02T00:00:00Z'] },
    { expression: '@hourly', expected: ['2026-01-01T01:00:00Z', '2026-01-01T02:00:00Z'] },
    { expression: '@minutely', expected: ['2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z'] },
    { expression: '@daily', timezone: 'Europe/Berlin', expected: ['2026-01-01T23:00:00Z', '2026-01-02T23:00:00Z'] },
  ]);
});

describe('5-field Unix form', () => {
  run([
    { expression: '*/5 * * * *', expected: ['2026-01-01T00:05:00Z', '2026-01-01T00:10:00Z'] },
    {
      expression: '0 9 * * 1-5',
      expected: ['2026-01-01T09:00:00Z', '2026-01-02T09:00:00Z', '2026-01-05T09:00:00Z'],
    },
    // Sunday is both 0 and 7
    { expression: '0 9 * * 0', expected: ['2026-01-04T09:00:00Z', '2026-01-11T09:00:00Z'] },
    { expression: '0 9 * * 7', expected: ['2026-01-04T09:00:00Z', '2026-01-11T09:00:00Z'] },
    { expression: '5 4 * * sun', expected: ['2026-01-04T04:05:00Z'] },
    {
      // Vixie rule: both day fields restricted -> the 1st OR any Monday
      expression: '0 12 1 * 1',
      expected: [
        '2026-01-01T12:00:00Z',
        '2026-01-05T12:00:00Z',
        '2026-01-12T12:00:00Z',
        '2026-01-19T12:00:00Z',
        '2026-01-26T12:00:00Z',
        '2026-02-01T12:00:00Z',
        '2026-02-02T12:00:00Z',
      ],
    },
    {
      // the 13th OR any Friday
      expression: '0 0 13 * 5',
      expected: ['2026-01-02T00:00:00Z', '2026-01-09T00:00:00Z', '2026-01-13T00:00:00Z', '2026-01-16T00:00:00Z'],
    },
    {
      // days 1-7 OR Mondays (the classic surprise)
      expression: '0 0 1-7 * MON',
      expected: [
        '2026-01-02T00:00:00Z',
        '2026-01-03T00:00:00Z',
        '2026-01-04T00:00:00Z',
        '2026-01-05T00:00:00Z',
        '2026-01-06T00:00:00Z',
        '2026-01-07T00:00:00Z',
        '2026-01-12T00:00:00Z',
        '2026-01-19T00:00:00Z',
      ],
    },
    { expression: '0 0 L * *', expected: ['2026-01-31T00:00:00Z', '2026-02-28T00:00:00Z'] },
    // Unix numbering: 5 = Friday
    { expression: '0 0 * * 5L', expected: ['2026-01-30T00:00:00Z', '2026-02-27T00:00:00Z'] },
    {
      expression: '0 0 * * 1#2',
      expected: ['2026-01-12T00:00:00Z', '2026-02-09T00:00:00Z', '2026-03-09T00:00:00Z'],
    },
    { expression: '0 0 * * L', expected: ['2026-01-03T00:00:00Z', '2026-01-10T00:00:00Z'] },
    { expression: '0 0 15W * *', expected: ['2026-01-15T00:00:00Z', '2026-02-16T00:00:00Z'] },
    // ? is accepted as *
    { expression: '0 0 ? * ?', expected: ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'] },
    {
      // wrap-around across Sunday: SAT-SUN = 6,0
      expression: '0 0 * * SAT-SUN',
      expected: ['2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', '2026-01-10T00:00:00Z'],
    },
    {
      // 5-7 = Fri, Sat, Sun
      expression: '0 0 * * 5-7',
      expected: ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', '2026-01-09T00:00:00Z'],
    },
    { expression: '0 0 * * 0-7', expected: ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'] },
    { expression: '0 0 1 jan *', expected: ['2027-01-01T00:00:00Z'] },
    {
      expression: '*/20 9-10 * * *',
      expected: [
        '2026-01-01T09:00:00Z',
        '2026-01-01T09:20:00Z',
        '2026-01-01T09:40:00Z',
        '2026-01-01T10:00:00Z',
        '2026-01-01T10:20:00Z',
        '2026-01-01T10:40:00Z',
        '2026-01-02T09:00:00Z',
      ],
    },
  ]);
});

describe('time zones without DST in play', () => {
  run([
    // 09:00 in Tokyo (+09:00) on Jan 1 is exactly `from`, so the first fire is Jan 2
    { expression: '0 0 9 * * ?', timezone: 'Asia/Tokyo', expected: ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'] },
    { expression: '0 0 9 * * ?', timezone: 'Asia/Kolkata', expected: ['2026-01-01T03:30:00Z'] },
    { expression: '0 0 9 * * ?', timezone: 'Asia/Kathmandu', expected: ['2026-01-01T03:15:00Z'] },
    { expression: '0 0 9 * * ?', timezone: 'America/New_York', expected: ['2026-01-01T14:00:00Z'] },
    // Sydney is +11:00 in January: 09:00 Jan 1 local was already Dec 31 22:00Z
    { expression: '0 0 9 * * ?', timezone: 'Australia/Sydney', expected: ['2026-01-01T22:00:00Z'] },
    // the last day of the month is judged in the job's zone: Dec 31 2025 23:00 PST is already Jan 1 in UTC
    {
      expression: '0 0 23 L * ?',
      timezone: 'America/Los_Angeles',
      expected: ['2026-01-01T07:00:00Z', '2026-02-01T07:00:00Z', '2026-03-01T07:00:00Z'],
    },
  ]);
});

