/**
 * A parsed cron expression as plain sets of allowed values, plus the field-wise search for
 * the next matching *wall time* (see zoned-time.ts). No time zones here: the caller maps
 * wall times to instants.
 */
import { utcMillis } from './zoned-time.js';

/** Cron years are limited to this range (Quartz's own limits are 1970-2099; we allow up to 2199). */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;
/** Wall-time bounds of the search, as wall milliseconds. */
export const FIRST_WALL = utcMillis(MIN_YEAR, 1, 1);
export const END_WALL = utcMillis(MAX_YEAR + 1, 1, 1);

/** A set of integers in `[min, max]` with O(1) "next allowed value at or after v". */
export class ValueSet {
  /** nextAllowed[v - min] = the smallest allowed value >= v, or -1. */
  private readonly nextAllowed: Int16Array;
  readonly size: number;

  constructor(
    readonly min: number,
    readonly max: number,
    values: Iterable<number>,
  ) {
    const allowed = new Set(values);
    this.size = allowed.size;
    this.nextAllowed = new Int16Array(max - min + 2).fill(-1);
    for (let value = max; value >= min; value--) {
      this.nextAllowed[value - min] = allowed.has(value) ? value : this.nextAllowed[value - min + 1]!;
    }
  }

  static range(min: number, max: number): ValueSet {
    return new ValueSet(min, max, Array.from({ length: max - min + 1 }, (_, i) => min + i));
  }

  get isFull(): boolean {
    return this.size === this.max - this.min + 1;
  }

  has(value: number): boolean {
    return value >= this.min && value <= this.max && this.nextAllowed[value - this.min] === value;
  }

  /** The smallest allowed value >= `value`, or undefined. */
  next(value: number): number | undefined {
    if (value > this.max) return undefined;
    const found = this.nextAllowed[Math.max(value, this.min) - this.min]!;
    return found === -1 ? undefined : found;
  }
}

/** A day-of-month condition, evaluated per month. */
export type DomItem =
  | { kind: 'days'; days: ValueSet } // plain numbers, ranges, steps
  | { kind: 'last'; minus: number } // L, L-3
  | { kind: 'lastWeekday' } // LW
  | { kind: 'nearestWeekday'; day: number }; // 15W

/** A day-of-week condition; weekdays are 0 = Sunday .. 6 = Saturday here, whatever the input numbering. */
export type DowItem =
  | { kind: 'weekdays'; weekdays: ValueSet } // plain numbers, names, ranges, steps, lone L (Saturday)
  | { kind: 'nth'; weekday: number; nth: number } // 6#3
  | { kind: 'lastOfMonth'; weekday: number }; // 5L

/** `null` means the field does not constrain the day (`*` or `?`). */
export interface DayRule {
  readonly dom: readonly DomItem[] | null;
  readonly dow: readonly DowItem[] | null;
}

export interface CronFields {
  readonly seconds: ValueSet;
  readonly minutes: ValueSet;
  readonly hours: ValueSet;
  readonly months: ValueSet;
  readonly years: ValueSet;
  readonly days: DayRule;
}

interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock matcher for one cron expression. */
export class CronPattern {
  private readonly monthDays = new Map<number, readonly number[]>();

  constructor(readonly fields: CronFields) {}

  /** True when the hour field allows every hour; DST overlaps then fire at both occurrences. */
  get everyHour(): boolean {
    return this.fields.hours.isFull;
  }

  /** The first matching wall time (whole second) in `[from, limit)`, or null. */
  nextWall(from: number, limit: number): number | null {
    const start = new Date(Math.ceil(Math.max(from, FIRST_WALL) / 1000) * 1000);
    const end = Math.min(limit, END_WALL);
    if (start.getTime() >= end) return null;
    const found = this.search(
      start.getUTCFullYear(),
      start.getUTCMonth() + 1,
      start.getUTCDate(),
      { hour: start.getUTCHours(), minute: start.getUTCMinutes(), second: start.getUTCSeconds() },
      end,
    );
    return found !== null && found < end ? found : null;
  }

  /** Field-wise search: skips whole years, months and days that cannot match. */
  private search(fromYear: number, fromMonth: number, fromDay: number, fromTime: TimeOfDay, end: number): number | null {
    const { years, months } = this.fields;
    for (let year = years.next(fromYear); year !== undefined; year = years.next(year + 1)) {
      const firstMonth = year === fromYear ? fromMonth : 1;
      for (let month = months.next(firstMonth); month !== undefined; month = months.next(month + 1)) {
        if (utcMillis(year, month, 1) >= end) return null;
        const sameMonth = year === fromYear && month === fromMonth;
        for (const day of this.matchingDays(year, month)) {
          if (sameMonth && day < fromDay) continue;
          const time = this.firstTimeFrom(sameMonth && day === fromDay ? fromTime : MIDNIGHT);
          if (time !== null) return utcMillis(year, month, day, time.hour, time.minute, time.second);
        }
      }
    }
    return null;
  }

  /** The first allowed time of day at or after `from`, or null if none is left that day. */
  private firstTimeFrom(from: TimeOfDay): TimeOfDay | null {
    const { hours, minutes, seconds } = this.fields;
    for (let hour = hours.next(from.hour); hour !== undefined; hour = hours.next(hour + 1)) {
      const firstMinute = hour === from.hour ? from.minute : 0;
      for (let minute = minutes.next(firstMinute); minute !== undefined; minute = minutes.next(minute + 1)) {
        const firstSecond = hour === from.hour && minute === from.minute ? from.second : 0;
        const second = seconds.next(firstSecond);
        if (second !== undefined) return { hour, minute, second };
      }
    }
    return null;
  }

  /** Days of `month` that match the day-of-month / day-of-week rule, ascending (cached). */
  matchingDays(year: number, month: number): readonly number[] {
    const key = year * 12 + month;
    let days = this.monthDays.get(key);
    if (days === undefined) {
      days = computeMatchingDays(this.fields.days, year, month);
      this.monthDays.set(key, days);
    }
    return days;
  }
}

const MIDNIGHT: TimeOfDay = { hour: 0, minute: 0, second: 0 };

/** Facts about one month that every day rule needs. */
interface MonthInfo {
  readonly length: number;
  /** Weekday of the 1st, 0 = Sunday. */
  readonly firstWeekday: number;
}

function computeMatchingDays(rule: DayRule, year: number, month: number): number[] {
  const info: MonthInfo = {
    length: new Date(Date.UTC(year, month, 0)).getUTCDate(),
    firstWeekday: new Date(utcMillis(year, month, 1)).getUTCDay(),
  };
  const days: number[] = [];
  for (let day = 1; day <= info.length; day++) {
    if (dayMatches(rule, info, day)) days.push(day);
  }
  return days;
}

/**
 * With one side unconstrained, the other decides. With both constrained (only possible in the
 * 5-field Unix form; Quartz rejects it), Vixie cron fires when EITHER matches.
 */
function dayMatches(rule: DayRule, month: MonthInfo, day: number): boolean {
  const domOk = rule.dom === null || rule.dom.some((item) => domItemMatches(item, month, day));
  const dowOk = rule.dow === null || rule.dow.some((item) => dowItemMatches(item, month, day));
  if (rule.dom !== null && rule.dow !== null) return domOk || dowOk;
  return domOk && dowOk;
}

function weekdayOf(month: MonthInfo, day: number): number {
  return (month.firstWeekday + day - 1) % 7;
}

function domItemMatches(item: DomItem, month: MonthInfo, day: number): boolean {
  switch (item.kind) {
    case 'days':
      return item.days.has(day);
    case 'last':
      return day === month.length - item.minus;
    case 'lastWeekday':
      return day === nearestWeekday(month, month.length);
    case 'nearestWeekday':
      return item.day <= month.length && day === nearestWeekday(month, item.day);
  }
}

/** Quartz `W`: the weekday nearest to `target`, never leaving the month. */
function nearestWeekday(month: MonthInfo, target: number): number {
  const weekday = weekdayOf(month, target);
  if (weekday === 6) return target === 1 ? 3 : target - 1; // Saturday: Friday before, or Monday the 3rd
  if (weekday === 0) return target === month.length ? target - 2 : target + 1; // Sunday: Monday after, or Friday before
  return target;
}

function dowItemMatches(item: DowItem, month: MonthInfo, day: number): boolean {
  const weekday = weekdayOf(month, day);
  switch (item.kind) {
    case 'weekdays':
      return item.weekdays.has(weekday);
    case 'nth':
      return weekday === item.weekday && Math.ceil(day / 7) === item.nth;
    case 'lastOfMonth':
      return weekday === item.weekday && day + 7 > month.length;
  }
}
