import { describe, expect, it } from 'vitest';
import {
  compileLiveSchedule,
  compileSchedule,
  previewFireTimes,
  ScheduleError,
  type ScheduleSpec,
} from '../../../src/modules/schedules/core/schedule.js';
import { cron, iso, thrown } from './helpers.js';

const NOW = new Date('2026-06-15T12:00:00Z');

describe('compileSchedule normalizes the spec', () => {
  it.each<[ScheduleSpec, ScheduleSpec]>([
    [
      { type: 'CRON', expression: '  0 0 9 * * ?  ', timezone: 'europe/berlin' },
      { type: 'CRON', expression: '0 0 9 * * ?', timezone: 'Europe/Berlin' },
    ],
    [
      { type: 'ONCE', expression: ' 2026-07-01T09:00:00+02:00 ', timezone: 'utc' },
      { type: 'ONCE', expression: '2026-07-01T09:00:00+02:00', timezone: 'UTC' },
    ],
    [{ type: 'NONE', expression: null, timezone: 'UTC' }, { type: 'NONE', expression: null, timezone: 'UTC' }],
    [{ type: 'NONE', expression: '  ', timezone: 'UTC' }, { type: 'NONE', expression: null, timezone: 'UTC' }],
  ])('%j', (input, normalized) => {
    expect(compileSchedule(input).spec).toEqual(normalized);
  });

  it.each<[ScheduleSpec, ScheduleError['field'], string]>([
    [
      { type: 'WEEKLY' as ScheduleSpec['type'], expression: null, timezone: 'UTC' },
      'type',
      'Unknown schedule type "WEEKLY" — use CRON, FIXED_RATE, FIXED_DELAY, ONCE or NONE',
    ],
    [
      { type: 'CRON', expression: '0 0 9 * * ?', timezone: 'Mars/Base' },
      'timezone',
      'Unknown time zone "Mars/Base" — use an IANA name such as Europe/Berlin',
    ],
    [
      { type: 'CRON', expression: null, timezone: 'UTC' },
      'expression',
      'A CRON schedule needs an expression, e.g. "0 0 9 * * ?"',
    ],
    [
      { type: 'NONE', expression: '0 0 9 * * ?', timezone: 'UTC' },
      'expression',
      'A NONE schedule takes no expression — clear it, or pick another schedule type',
    ],
  ])('rejects %j', (spec, field, message) => {
    const error = thrown(() => compileSchedule(spec));
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error).toMatchObject({ name: 'ScheduleError', field, message });
  });
});

describe('ONCE', () => {
  const once = (expression: string) => compileSchedule({ type: 'ONCE', expression, timezone: 'UTC' });

  it.each([
    ['2026-07-01T09:00:00+02:00', '2026-07-01T07:00:00.000Z'],
    ['2026-07-01T07:00:00Z', '2026-07-01T07:00:00.000Z'],
    ['2026-07-01T07:00:00.250z', '2026-07-01T07:00:00.250Z'],
    ['2026-07-01T07:00Z', '2026-07-01T07:00:00.000Z'],
    ['2026-07-01T02:00:00-0500', '2026-07-01T07:00:00.000Z'],
    ['2026-07-01T12:30:00+05:30', '2026-07-01T07:00:00.000Z'],
  ])('%s fires at %s', (expression, instant) => {
    expect(once(expression).nextAfter(NOW)?.toISOString()).toBe(instant);
  });

  it('fires only strictly after the given time, and only once', () => {
    const schedule = once('2026-07-01T07:00:00Z');
    expect(schedule.nextAfter(new Date('2026-07-01T06:59:59.999Z'))).toEqual(new Date('2026-07-01T07:00:00Z'));
    expect(schedule.nextAfter(new Date('2026-07-01T07:00:00Z'))).toBeNull();
    expect(schedule.nextAfter(new Date('2027-01-01T00:00:00Z'))).toBeNull();
  });

  it.each([
    [
      '2026-07-01T09:00:00',
      'ONCE time "2026-07-01T09:00:00" has no UTC offset — add one, e.g. "2026-07-01T09:00:00Z" for UTC or "2026-07-01T09:00:00+02:00"',
    ],
    ['', 'A ONCE schedule needs a date-time with an offset, e.g. "2026-05-01T09:00:00+02:00"'],
    ['2026-07-01', 'ONCE time "2026-07-01" is not a valid ISO 8601 date-time — use e.g. "2026-05-01T09:00:00+02:00"'],
    ['tomorrow', 'ONCE time "tomorrow" is not a valid ISO 8601 date-time — use e.g. "2026-05-01T09:00:00+02:00"'],
    [
      '2026-02-30T09:00:00Z',
      'ONCE time "2026-02-30T09:00:00Z" is not a valid ISO 8601 date-time — use e.g. "2026-05-01T09:00:00+02:00"',
    ],
    [
      '2026-07-01T24:00:00Z',
      'ONCE time "2026-07-01T24:00:00Z" is not a valid ISO 8601 date-time — use e.g. "2026-05-01T09:00:00+02:00"',
    ],
  ])('rejects %j', (expression, message) => {
    expect(thrown(() => once(expression))).toMatchObject({ field: 'expression', message });
  });
});

describe('NONE', () => {
  it('never fires', () => {
    const schedule = compileSchedule({ type: 'NONE', expression: null, timezone: 'UTC' });
    expect(schedule.nextAfter(NOW)).toBeNull();
    expect(previewFireTimes(schedule, NOW, 5)).toEqual([]);
  });
});

describe('compileLiveSchedule', () => {
  it.each([
    ['0 0 0 30 2 ?'],
    ['0 0 0 31 4 ?'],
    ['0 0 0 31 2,4,6,9,11 ?'],
    ['0 0 0 1 1 ? 2020-2025'],
    ['0 0 0 1 1 ? 2020,2024,2026'], // Jan 1 2026 is before NOW
    ['0 0 0 ? 2 MON#5 2045-2071'], // no Monday Feb 29 between the leap Mondays of 2044 and 2072
    ['0 0 0 L-30 2 ?'],
  ])('rejects %j, which can never fire again', (expression) => {
    const error = thrown(() => compileLiveSchedule({ type: 'CRON', expression, timezone: 'Europe/Berlin' }, NOW));
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error).toMatchObject({
      field: 'expression',
      message: `Cron expression "${expression}" can never fire again — no date up to the year 2199 matches it`,
    });
  });

  it('rejects a ONCE time in the past', () => {
    const spec: ScheduleSpec = { type: 'ONCE', expression: '2026-01-01T00:00:00Z', timezone: 'UTC' };
    expect(thrown(() => compileLiveSchedule(spec, NOW))).toMatchObject({
      field: 'expression',
      message: 'ONCE time "2026-01-01T00:00:00Z" is in the past, so the job can never fire again — pick a future time',
    });
  });

  it.each<ScheduleSpec>([
    { type: 'CRON', expression: '0 0 0 1 1 ? 2199', timezone: 'Pacific/Kiritimati' },
    { type: 'CRON', expression: '0 0 0 ? 2 MON#5', timezone: 'UTC' },
    { type: 'ONCE', expression: '2026-06-15T12:00:01Z', timezone: 'UTC' },
    { type: 'FIXED_RATE', expression: 'PT1S', timezone: 'UTC' },
    { type: 'NONE', expression: null, timezone: 'UTC' }, // never fires by design, so it is not "dead"
  ])('accepts %j', (spec) => {
    expect(compileLiveSchedule(spec, NOW).spec.type).toBe(spec.type);
  });

  it('decides quickly even when the answer is "never"', () => {
    const spec: ScheduleSpec = { type: 'CRON', expression: '0 0 0 30 2 ?', timezone: 'America/New_York' };
    thrown(() => compileLiveSchedule(spec, NOW)); // warm-up
    const started = performance.now();
    thrown(() => compileLiveSchedule(spec, NOW));
    expect(performance.now() - started).toBeLessThan(20);
  });
});

describe('previewFireTimes', () => {
  it('lists the next fire times of a cron schedule', () => {
    const times = previewFireTimes(cron('0 0 9 ? * MON-FRI', 'Europe/Berlin'), new Date('2026-03-26T12:00:00Z'), 4);
    expect(times.map((t) => t.toISOString())).toEqual(
      ['2026-03-27T08:00:00Z', '2026-03-30T07:00:00Z', '2026-03-31T07:00:00Z', '2026-04-01T07:00:00Z'].map(iso),
    );
  });

  it('stops early when the schedule stops firing', () => {
    const times = previewFireTimes(cron('0 0 0 1 1 ? 2027,2028'), NOW, 10);
    expect(times.map((t) => t.toISOString())).toEqual(['2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z'].map(iso));
    const once = compileSchedule({ type: 'ONCE', expression: '2026-07-01T00:00:00Z', timezone: 'UTC' });
    expect(previewFireTimes(once, NOW, 3)).toEqual([new Date('2026-07-01T00:00:00Z')]);
  });

  it('steps a fixed-rate schedule by its interval', () => {
    const schedule = compileSchedule({ type: 'FIXED_RATE', expression: 'PT30S', timezone: 'UTC' });
    expect(previewFireTimes(schedule, NOW, 3).map((t) => t.toISOString())).toEqual(
      ['2026-06-15T12:00:30Z', '2026-06-15T12:01:00Z', '2026-06-15T12:01:30Z'].map(iso),
    );
  });

  it('returns nothing for a count of 0', () => {
    expect(previewFireTimes(cron('* * * * * ?'), NOW, 0)).toEqual([]);
  });
});
