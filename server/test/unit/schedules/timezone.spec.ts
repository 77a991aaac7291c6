import { describe, expect, it } from 'vitest';
import { formatInZone, normalizeTimezone, ScheduleError } from '../../../src/modules/schedules/core/schedule.js';
import { thrown } from './helpers.js';

describe('normalizeTimezone', () => {
  it.each([
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Etc/UTC', 'Etc/UTC'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
    ['  America/New_York ', 'America/New_York'],
    ['US/Eastern', 'US/Eastern'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['asia/kolkata', 'asia/kolkata'],
    ['Asia/Tokyo', 'Asia/Tokyo'],
  ])('%j -> %j', (input, canonical) => {
    expect(normalizeTimezone(input)).toBe(canonical);
  });

  it.each([
    ['Mars/Base', 'Unknown time zone "Mars/Base" — use an IANA name such as Europe/Berlin'],
    ['Europe/Berln', 'Unknown time zone "Europe/Berln" — use an IANA name such as Europe/Berlin'],
    ['+02:00', 'Unknown time zone "+02:00" — use an IANA name such as Europe/Berlin'],
    ['', 'A time zone is required — use an IANA name such as Europe/Berlin'],
  ])('rejects %j', (input, message) => {
    const error = thrown(() => normalizeTimezone(input));
    expect(error).toBeInstanceOf(ScheduleError);
    expect(error).toMatchObject({ field: 'timezone', message });
  });
});

describe('formatInZone', () => {
  it.each([
    ['2026-03-29T00:59:59.999Z', 'Europe/Berlin', '2026-03-29T01:59:59.999+01:00'],
    ['2026-03-29T01:00:00.000Z', 'Europe/Berlin', '2026-03-29T03:00:00.000+02:00'],
    ['2026-03-29T01:30:00.000Z', 'Europe/Berlin', '2026-03-29T03:30:00.000+02:00'],
    ['2026-10-25T00:59:59.000Z', 'Europe/Berlin', '2026-10-25T02:59:59.000+02:00'],
    ['2026-10-25T01:00:00.000Z', 'Europe/Berlin', '2026-10-25T02:00:00.000+01:00'],
    ['2026-03-08T06:59:59.000Z', 'America/New_York', '2026-03-08T01:59:59.000-05:00'],
    ['2026-03-08T07:00:00.000Z', 'America/New_York', '2026-03-08T03:00:00.000-04:00'],
    ['2026-11-01T05:59:59.000Z', 'America/New_York', '2026-11-01T01:59:59.000-04:00'],
    ['2026-11-01T06:00:00.000Z', 'America/New_York', '2026-11-01T01:00:00.000-05:00'],
    ['2026-07-01T12:34:56.789Z', 'UTC', '2026-07-01T12:34:56.789+00:00'],
    ['2026-01-01T00:00:00.000Z', 'Asia/Kolkata', '2026-01-01T05:30:00.000+05:30'],
    ['2026-01-01T00:00:00.000Z', 'Asia/Kathmandu', '2026-01-01T05:45:00.000+05:45'],
    ['2026-01-01T00:00:00.000Z', 'America/St_Johns', '2025-12-31T20:30:00.000-03:30'],
    ['2026-01-01T00:00:00.000Z', 'Pacific/Kiritimati', '2026-01-01T14:00:00.000+14:00'],
    ['2026-01-01T00:00:00.000Z', 'Etc/GMT+12', '2025-12-31T12:00:00.000-12:00'],
  ])('%s in %s', (instant, zone, expected) => {
    expect(formatInZone(new Date(instant), zone)).toBe(expected);
  });

  it('rejects an unknown zone', () => {
    expect(thrown(() => formatInZone(new Date(0), 'Mars/Base'))).toMatchObject({ field: 'timezone' });
  });
});
