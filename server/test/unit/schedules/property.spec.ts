/**
 * Property-style checks: a whole year of fire times per expression and zone, compared with a
 * brute-force enumeration written independently of the engine (Intl on a 15-minute grid), and
 * plain expressions compared with cron-parser as an oracle in zones without DST.
 */
import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { cron } from './helpers.js';

const MINUTE = 60_000;
const STEP = 15 * MINUTE; // every zone offset in use today is a multiple of 15 minutes
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_END = Date.UTC(2027, 0, 1);

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
  /** Days in this month. */
  monthLength: number;
}

function wallFromMillis(wallMs: number): Wall {
  const d = new Date(wallMs);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
    monthLength: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  };
}

/** Wall clock of `instant` in `zone`, as "wall milliseconds" (the wall time read as if it were UTC). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function wallMillis(zone: string, instant: number): number {
  let formatter = formatters.get(zone);
  if (!formatter) {
    const options = { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit' } as const;
    formatter = new Intl.DateTimeFormat('en-GB', { ...options, hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** Wall times of the grid points from 3 hours before the year to its end, per zone (Intl is slow, so cache). */
const gridCache = new Map<string, number[]>();
const GRID_LEAD = 12; // grid points before YEAR_START, for the "already happened" look-back
function grid(zone: string): number[] {
  let walls = gridCache.get(zone);
  if (!walls) {
    walls = [];
    for (let t = YEAR_START - GRID_LEAD * STEP; t < YEAR_END; t += STEP) walls.push(wallMillis(zone, t));
    gridCache.set(zone, walls);
  }
  return walls;
}

/** The wall time of a grid instant (every fire time in these cases lies on the grid). */
function gridWall(zone: string, instant: number): number {
  const index = (instant - YEAR_START) / STEP + GRID_LEAD;
  if (!Number.isInteger(index)) throw new Error(`${new Date(instant).toISOString()} is off the 15-minute grid`);
  return grid(zone)[index]!;
}

/**
 * Brute force of the documented rules: every grid instant whose wall time matches (skipping a
 * repeated wall time unless the hour field is every hour), plus every matching wall time that a
 * spring-forward jump skipped, shifted forward by the jump.
 */
function bruteForce(zone: string, matches: (wall: Wall) => boolean, everyHour: boolean): number[] {
  const walls = grid(zone);
  const result = new Set<number>();
  for (let i = GRID_LEAD; i < walls.length; i++) {
    const instant = YEAR_START + (i - GRID_LEAD) * STEP;
    const wall = walls[i]!;
    const repeated = walls.slice(i - GRID_LEAD, i).includes(wall);
    if (matches(wallFromMillis(wall)) && (everyHour || !repeated)) result.add(instant);
    const previousWall = walls[i - 1]!;
    const previousOffset = previousWall - (instant - STEP);
    for (let skipped = previousWall + STEP; skipped < wall; skipped += STEP) {
      if (matches(wallFromMillis(skipped))) result.add(skipped - previousOffset);
    }
  }
  return [...result].sort((a, b) => a - b);
}

function engineYear(expression: string, zone: string): number[] {
  const schedule = cron(expression, zone);
  const result: number[] = [];
  for (let t = schedule.nextAfter(new Date(YEAR_START - 1)); t !== null && t.getTime() < YEAR_END; t = schedule.nextAfter(t)) {
    result.push(t.getTime());
  }
  return result;
}

const nthWeekday = (w: Wall) => Math.ceil(w.day / 7);
function lastWeekdayOfMonth(w: Wall): number {
  const lastWeekday = (w.weekday + w.monthLength - w.day) % 7;
  return lastWeekday === 6 ? w.monthLength - 1 : lastWeekday === 0 ? w.monthLength - 2 : w.monthLength;
}

interface PropertyCase {
  expression: string;
  zone: string;
  everyHour: boolean;
  matches: (w: Wall) => boolean;
}

const cases: PropertyCase[] = [
  { expression: '0 30 2 * * ?', zone: 'Europe/Berlin', everyHour: false, matches: (w) => w.second === 0 && w.minute === 30 && w.hour === 2 },
  { expression: '0 */15 * * * ?', zone: 'Europe/Berlin', everyHour: true, matches: (w) => w.second === 0 && w.minute % 15 === 0 },
  {
    expression: '0 0 9-17 ? * MON-FRI',
    zone: 'Europe/Berlin',
    everyHour: false,
    matches: (w) => w.second === 0 && w.minute === 0 && w.hour >= 9 && w.hour <= 17 && w.weekday >= 1 && w.weekday <= 5,
  },
  {
    expression: '0 0,30 1-3 * * ?',
    zone: 'America/New_York',
    everyHour: false,
    matches: (w) => w.second === 0 && (w.minute === 0 || w.minute === 30) && w.hour >= 1 && w.hour <= 3,
  },
  { expression: '0 45 * * * ?', zone: 'America/New_York', everyHour: true, matches: (w) => w.second === 0 && w.minute === 45 },
  {
    expression: '0 0/15 2 * * ?',
    zone: 'Australia/Lord_Howe',
    everyHour: false,
    matches: (w) => w.second === 0 && w.minute % 15 === 0 && w.hour === 2,
  },
  { expression: '0 */30 * * * ?', zone: 'Australia/Lord_Howe', everyHour: true, matches: (w) => w.second === 0 && w.minute % 30 === 0 },
  {
    expression: '0 15 9 L * ?',
    zone: 'Asia/Kolkata',
    everyHour: false,
    matches: (w) => w.second === 0 && w.minute === 15 && w.hour === 9 && w.day === w.monthLength,
  },
  {
    expression: '0 0 12 ? * 6#3',
    zone: 'UTC',
    everyHour: false,
    matches: (w) => w.second === 0 && w.minute === 0 && w.hour === 12 && w.weekday === 5 && nthWeekday(w) === 3,
  },
  { expression: '0 0 1 * * ?', zone: 'Europe/London', everyHour: false, matches: (w) => w.second === 0 && w.minute === 0 && w.hour === 1 },
  {
    expression: '0 45 23 LW * ?',
    zone: 'America/Sao_Paulo',
    everyHour: false,
    matches: (w) => w.second === 0 && w.minute === 45 && w.hour === 23 && w.day === lastWeekdayOfMonth(w),
  },
  // Chile changes clocks at midnight, so the gap and the overlap straddle a date change
  { expression: '0 30 0 * * ?', zone: 'America/Santiago', everyHour: false, matches: (w) => w.second === 0 && w.minute === 30 && w.hour === 0 },
  { expression: '0 0 * * * ?', zone: 'America/Santiago', everyHour: true, matches: (w) => w.second === 0 && w.minute === 0 },
  {
    expression: '0 15 23 ? * SAT',
    zone: 'America/Santiago',
    everyHour: false,
    matches: (w) => w.second === 0 && w.minute === 15 && w.hour === 23 && w.weekday === 6,
  },
];

describe('a full year of fire times equals a brute-force enumeration', () => {
  it.each(cases.map((c) => [c.expression, c.zone, c] as const))('%s in %s', (expression, zone, c) => {
    const actual = engineYear(expression, zone);
    expect(actual.length).toBeGreaterThan(0);
    const notIncreasing = actual.filter((t, i) => i > 0 && t <= actual[i - 1]!);
    expect(notIncreasing.map(isoOf)).toEqual([]);
    // Either the wall clock matches, or it is a gap fire: the wall time read with the pre-jump offset matches.
    const notMatching = actual.filter((instant) => {
      const earlier = instant - GRID_LEAD * STEP;
      const preJumpOffset = gridWall(zone, earlier) - earlier;
      return !c.matches(wallFromMillis(gridWall(zone, instant))) && !c.matches(wallFromMillis(instant + preJumpOffset));
    });
    expect(notMatching.map(isoOf)).toEqual([]);
    expect(firstDifference(actual, bruteForce(zone, c.matches, c.everyHour))).toBeNull();
  });
});

function isoOf(instant: number): string {
  return new Date(instant).toISOString();
}

/** Null when equal; otherwise the first differing position with both sides (full-array diffs are too big to read). */
function firstDifference(actual: readonly number[], expected: readonly number[]): object | null {
  const length = Math.max(actual.length, expected.length);
  for (let i = 0; i < length; i++) {
    if (actual[i] !== expected[i]) {
      const around = (list: readonly number[]) => list.slice(Math.max(0, i - 2), i + 3).map(isoOf);
      return { index: i, actual: around(actual), expected: around(expected) };
    }
  }
  return null;
}

describe('plain expressions agree with cron-parser in zones without DST', () => {
  const oraclePairs: ReadonlyArray<readonly [ours: string, theirs: string]> = [
    ['*/7 9-17 * * 1-5', '*/7 9-17 * * 1-5'],
    ['0 12 1 * 1', '0 12 1 * 1'],
    ['15 3 */2 * *', '15 3 */2 * *'],
    ['0 0 1,15 * *', '0 0 1,15 * *'],
    ['30 8 * jan-mar mon', '30 8 * jan-mar mon'],
    ['5 4 * * sun', '5 4 * * sun'],
    ['23 0-20/2 * * *', '23 0-20/2 * * *'],
    ['0 0 31 * *', '0 0 31 * *'],
    ['10 */5 * 1-10 * ?', '10 */5 * 1-10 * *'],
    ['0 0 12 ? * 2-6', '0 0 12 * * 1-5'],
    ['*/45 30 6 * * ?', '*/45 30 6 * * *'],
  ];
  it.each(oraclePairs.flatMap(([ours, theirs]) => ['UTC', 'Asia/Tokyo', 'Asia/Kolkata'].map((tz) => [ours, tz, theirs] as const)))(
    '%s in %s',
    (ours, tz, theirs) => {
      const currentDate = new Date('2026-01-01T00:00:00Z');
      const oracle = CronExpressionParser.parse(theirs, { tz, currentDate });
      const expected = Array.from({ length: 200 }, () => oracle.next().toDate().toISOString());
      const schedule = cron(ours, tz);
      const actual: string[] = [];
      for (let t: Date | null = currentDate; actual.length < 200; ) {
        t = schedule.nextAfter(t)!;
        actual.push(t.toISOString());
      }
      expect(actual).toEqual(expected);
    },
  );
});

describe('performance', () => {
  it('iterating nextAfter stays well under a millisecond per call', () => {
    const schedule = cron('0 */5 * * * ?', 'America/New_York');
    let t: Date = new Date(YEAR_START);
    t = schedule.nextAfter(t)!; // warm-up
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) t = schedule.nextAfter(t)!;
    expect((performance.now() - started) / 10_000).toBeLessThan(0.2);
  });

  it.each(['0 0 0 ? 2 MON#5', '0 0 0 30 2 ?', '0 0 0 1 1 ? 2199', '0 0 0 29 2 ? 2097-2105'])('worst case %s < 20 ms', (expression) => {
    const schedule = cron(expression, 'Europe/Berlin');
    schedule.nextAfter(new Date(YEAR_START)); // warm-up (builds the zone's offset tables)
    const started = performance.now();
    schedule.nextAfter(new Date(YEAR_START + 1000));
    expect(performance.now() - started).toBeLessThan(20);
  });
});
