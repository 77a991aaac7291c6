import { describe, expect, it } from 'vitest';
import { formatInZone } from '../../../src/modules/schedules/core/schedule.js';
import { cron, fireTimes, iso } from './helpers.js';

/*
 * Transitions used below (2026):
 * - Europe/Berlin    spring: Mar 29 01:00Z, 02:00 CET -> 03:00 CEST (02:00-02:59 does not exist)
 *                    fall:   Oct 25 01:00Z, 03:00 CEST -> 02:00 CET (02:00-02:59 happens twice)
 * - America/New_York spring: Mar 8 07:00Z, 02:00 EST -> 03:00 EDT
 *                    fall:   Nov 1 06:00Z, 02:00 EDT -> 01:00 EST (01:00-01:59 happens twice)
 */
interface DstCase {
  name: string;
  expression: string;
  timezone: string;
  from: string;
  expected: string[];
}

function run(cases: readonly DstCase[]): void {
  it.each(cases)('$name: $expression', ({ expression, timezone, from, expected }) => {
    expect(fireTimes(cron(expression, timezone), from, expected.length)).toEqual(expected.map(iso));
  });
}

describe('spring forward: the gap fires once, shifted forward by the gap length', () => {
  run([
    {
      name: 'Berlin specific hour: 02:30 -> 03:30 CEST',
      expression: '0 30 2 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-03-28T00:00:00Z',
      expected: ['2026-03-28T01:30:00Z', '2026-03-29T01:30:00Z', '2026-03-30T00:30:00Z'],
    },
    {
      name: 'Berlin 02:00 -> 03:00 CEST',
      expression: '0 0 2 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-03-28T00:00:00Z',
      expected: ['2026-03-28T01:00:00Z', '2026-03-29T01:00:00Z', '2026-03-30T00:00:00Z'],
    },
    {
      name: 'Berlin 02:30 and 03:30 land on the same instant and fire once',
      expression: '0 30 2,3 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-03-29T00:00:00Z',
      expected: ['2026-03-29T01:30:00Z', '2026-03-30T00:30:00Z', '2026-03-30T01:30:00Z'],
    },
    {
      name: 'Berlin after the gap already passed, the shifted fire is still due',
      expression: '0 30 2 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-03-29T01:10:00Z', // 03:10 CEST
      expected: ['2026-03-29T01:30:00Z'],
    },
    {
      name: 'Berlin every hour: 01:00 CET, 03:00 CEST (02:00 shifted, once), 04:00 CEST',
      expression: '0 0 * * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-03-28T23:30:00Z',
      expected: ['2026-03-29T00:00:00Z', '2026-03-29T01:00:00Z', '2026-03-29T02:00:00Z'],
    },
    {
      name: 'Berlin every 20 minutes across the gap',
      expression: '0 */20 * * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-03-29T00:30:00Z',
      expected: [
        '2026-03-29T00:40:00Z',
        '2026-03-29T01:00:00Z',
        '2026-03-29T01:20:00Z',
        '2026-03-29T01:40:00Z',
        '2026-03-29T02:00:00Z',
      ],
    },
    {
      name: 'Berlin, 5-field form',
      expression: '30 2 * * *',
      timezone: 'Europe/Berlin',
      from: '2026-03-29T00:00:00Z',
      expected: ['2026-03-29T01:30:00Z', '2026-03-30T00:30:00Z'],
    },
    {
      name: 'New York specific hour: 02:30 -> 03:30 EDT',
      expression: '0 30 2 * * ?',
      timezone: 'America/New_York',
      from: '2026-03-07T00:00:00Z',
      expected: ['2026-03-07T07:30:00Z', '2026-03-08T07:30:00Z', '2026-03-09T06:30:00Z'],
    },
    {
      name: 'New York every hour: 01:00 EST, 03:00 EDT (once), 04:00 EDT',
      expression: '0 0 * * * ?',
      timezone: 'America/New_York',
      from: '2026-03-08T05:30:00Z',
      expected: ['2026-03-08T06:00:00Z', '2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z'],
    },
    {
      name: 'New York every 30 minutes across the gap',
      expression: '0 0/30 * * * ?',
      timezone: 'America/New_York',
      from: '2026-03-08T06:10:00Z',
      expected: ['2026-03-08T06:30:00Z', '2026-03-08T07:00:00Z', '2026-03-08T07:30:00Z', '2026-03-08T08:00:00Z'],
    },
    {
      name: 'Lord Howe half-hour gap: 02:15 -> 02:45 +11:00',
      expression: '0 15 2 * * ?',
      timezone: 'Australia/Lord_Howe',
      from: '2026-10-03T00:00:00Z',
      expected: ['2026-10-03T15:45:00Z', '2026-10-04T15:15:00Z'],
    },
  ]);
});

describe('fall back: every-hour expressions fire twice, specific hours only at the first occurrence', () => {
  run([
    {
      name: 'Berlin specific hour: first occurrence (CEST) only',
      expression: '0 30 2 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-10-24T00:00:00Z',
      expected: ['2026-10-24T00:30:00Z', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z'],
    },
    {
      name: 'Berlin 02:00 once',
      expression: '0 0 2 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-10-24T12:00:00Z',
      expected: ['2026-10-25T00:00:00Z', '2026-10-26T01:00:00Z'],
    },
    {
      name: 'Berlin specific hour, asked during the second occurrence: already fired',
      expression: '0 30 2 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-10-25T01:10:00Z', // 02:10 CET
      expected: ['2026-10-26T01:30:00Z'],
    },
    {
      name: 'Berlin specific hour, asked during the first occurrence',
      expression: '0 30 2 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-10-25T00:10:00Z', // 02:10 CEST
      expected: ['2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z'],
    },
    {
      name: 'Berlin hour range 1-3 skips the repeated 02:00',
      expression: '0 0 1-3 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-10-24T22:00:00Z',
      expected: ['2026-10-24T23:00:00Z', '2026-10-25T00:00:00Z', '2026-10-25T02:00:00Z'],
    },
    {
      name: 'Berlin every hour: 02:00 CEST and 02:00 CET',
      expression: '0 0 * * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-10-24T23:30:00Z',
      expected: ['2026-10-25T00:00:00Z', '2026-10-25T01:00:00Z', '2026-10-25T02:00:00Z'],
    },
    {
      name: 'Berlin every 15 minutes through both occurrences',
      expression: '0 */15 * * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-10-25T00:40:00Z',
      expected: [
        '2026-10-25T00:45:00Z',
        '2026-10-25T01:00:00Z',
        '2026-10-25T01:15:00Z',
        '2026-10-25T01:30:00Z',
        '2026-10-25T01:45:00Z',
        '2026-10-25T02:00:00Z',
      ],
    },
    {
      name: 'New York specific hour: 01:30 EDT only',
      expression: '0 30 1 * * ?',
      timezone: 'America/New_York',
      from: '2026-10-31T00:00:00Z',
      expected: ['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z'],
    },
    {
      name: 'New York, 5-field form',
      expression: '30 1 * * *',
      timezone: 'America/New_York',
      from: '2026-11-01T00:00:00Z',
      expected: ['2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z'],
    },
    {
      name: 'New York 02:00 happens once (EST)',
      expression: '0 0 2 * * ?',
      timezone: 'America/New_York',
      from: '2026-11-01T00:00:00Z',
      expected: ['2026-11-01T07:00:00Z', '2026-11-02T07:00:00Z'],
    },
    {
      name: 'New York every hour: 01:00 EDT and 01:00 EST',
      expression: '0 0 * * * ?',
      timezone: 'America/New_York',
      from: '2026-11-01T04:30:00Z',
      expected: ['2026-11-01T05:00:00Z', '2026-11-01T06:00:00Z', '2026-11-01T07:00:00Z'],
    },
    {
      name: 'New York at :30 every hour',
      expression: '0 30 * * * ?',
      timezone: 'America/New_York',
      from: '2026-11-01T04:00:00Z',
      expected: ['2026-11-01T04:30:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-11-01T07:30:00Z'],
    },
    {
      name: 'New York @hourly',
      expression: '@hourly',
      timezone: 'America/New_York',
      from: '2026-11-01T05:30:00Z',
      expected: ['2026-11-01T06:00:00Z', '2026-11-01T07:00:00Z'],
    },
    {
      name: 'Sydney (southern hemisphere, April): 02:30 AEDT only',
      expression: '0 30 2 * * ?',
      timezone: 'Australia/Sydney',
      from: '2026-04-04T00:00:00Z',
      expected: ['2026-04-04T15:30:00Z', '2026-04-05T16:30:00Z'],
    },
  ]);
});

describe('fire times read back in the zone', () => {
  it.each([
    ['2026-03-29T01:30:00Z', 'Europe/Berlin', '2026-03-29T03:30:00.000+02:00'],
    ['2026-10-25T00:30:00Z', 'Europe/Berlin', '2026-10-25T02:30:00.000+02:00'],
    ['2026-10-25T01:30:00Z', 'Europe/Berlin', '2026-10-25T02:30:00.000+01:00'],
    ['2026-03-08T07:30:00Z', 'America/New_York', '2026-03-08T03:30:00.000-04:00'],
    ['2026-11-01T05:30:00Z', 'America/New_York', '2026-11-01T01:30:00.000-04:00'],
    ['2026-11-01T06:30:00Z', 'America/New_York', '2026-11-01T01:30:00.000-05:00'],
  ])('%s in %s is %s', (instant, zone, local) => {
    expect(formatInZone(new Date(instant), zone)).toBe(local);
  });
});
