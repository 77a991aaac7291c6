/**
 * Time-zone math on top of `Intl.DateTimeFormat` (Node built-ins only).
 *
 * Vocabulary used across the schedule core:
 * - an *instant* is epoch milliseconds (what a `Date` holds);
 * - a *wall time* is the local date and time in a zone, encoded as epoch milliseconds
 *   "as if the wall clock were UTC", so plain `Date.UTC` arithmetic and `getUTC*` getters
 *   work on it;
 * - an *offset* is `wall - instant` in milliseconds (Berlin in summer: +7_200_000).
 */
import { ScheduleError } from './schedule-error.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** One change of a zone's UTC offset: from `at` on, the offset is `after`. */
export interface OffsetTransition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/** A stretch of time `[start, end)` during which a zone's offset is constant. */
export interface OffsetSegment {
  /** The transition that began this segment, or -Infinity when it began long before the window asked about. */
  readonly start: number;
  readonly end: number;
  readonly offset: number;
  /** The offset just before `start` (equal to `offset` when `start` is -Infinity). */
  readonly prevOffset: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const normalizedNames = new Map<string, string>();

/** Throws ScheduleError(field 'timezone') unless `tz` is a valid IANA zone; returns it, with ICU's capitalization when only the case differs. */
export function normalizeTimezone(tz: string): string {
  const name = typeof tz === 'string' ? tz.trim() : '';
  if (name === '') {
    throw new ScheduleError('A time zone is required — use an IANA name such as Europe/Berlin', 'timezone');
  }
  // Keyed by the exact spelling, so the answer never depends on which spelling came first.
  let normalized = normalizedNames.get(name);
  if (normalized === undefined) {
    normalized = resolveZoneName(name);
    normalizedNames.set(name, normalized);
  }
  return normalized;
}

function resolveZoneName(name: string): string {
  const unknown = () =>
    new ScheduleError(`Unknown time zone "${name}" — use an IANA name such as Europe/Berlin`, 'timezone');
  // Newer engines accept raw offsets like "+02:00"; they are not IANA zones and have no DST rules.
  if (/^[+-]\d/.test(name)) throw unknown();
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    // ICU may answer with a legacy alias (Asia/Kolkata → Asia/Calcutta); keep the user's name and
    // only take ICU's spelling when it is the same name in another case (europe/berlin).
    return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
  } catch (error) {
    if (error instanceof RangeError) throw unknown();
    throw error;
  }
}

/** Formatters are expensive to build (~50 µs), so keep one per zone. */
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The exact offset of `zone` at `instant`, asked of Intl directly (no caching). */
export function exactOffsetAt(zone: string, instant: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = utcMillis(
    fields.year!,
    fields.month!,
    fields.day!,
    fields.hour! % 24, // some ICU versions print midnight as 24
    fields.minute!,
    fields.second!,
  );
  return wall - floorToSecond(instant);
}

/** `Date.UTC` that also handles years 0-99 literally (Date.UTC maps them to 19xx). */
export function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, ms));
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

export function floorToSecond(ms: number): number {
  return Math.floor(ms / SECOND) * SECOND;
}

interface YearRules {
  readonly startOffset: number;
  readonly transitions: readonly OffsetTransition[];
}

/**
 * Sampling step used to discover transitions. Real zones never change their offset twice
 * within a week (Morocco's Ramadan pause, the shortest, lasts about a month).
 */
const SAMPLE_STEP = 7 * DAY;

/**
 * Offset rules of one zone, computed lazily per calendar year (UTC) and cached, so that
 * after warm-up an offset lookup is a short array scan instead of an Intl call (~4 µs).
 */
export class ZoneRules {
  private readonly years = new Map<number, YearRules>();

  constructor(readonly zone: string) {}

  offsetAt(instant: number): number {
    const rules = this.yearRules(new Date(instant).getUTCFullYear());
    let offset = rules.startOffset;
    for (const transition of rules.transitions) {
      if (transition.at > instant) break;
      offset = transition.after;
    }
    return offset;
  }

  /** Transitions with `from < at <= to`, in order. */
  transitionsIn(from: number, to: number): OffsetTransition[] {
    const result: OffsetTransition[] = [];
    const lastYear = new Date(to).getUTCFullYear();
    for (let year = new Date(from).getUTCFullYear(); year <= lastYear; year++) {
      for (const transition of this.yearRules(year).transitions) {
        if (transition.at > from && transition.at <= to) result.push(transition);
      }
    }
    return result;
  }

  /**
   * The constant-offset segments covering `[from, to)`. The first segment's `start`/`prevOffset`
   * describe a transition up to `lookback` ms before `from` (callers need it for gap and overlap rules).
   */
  segments(from: number, to: number, lookback: number): OffsetSegment[] {
    const recent = this.transitionsIn(from - lookback, from).at(-1);
    let start = recent?.at ?? -Infinity;
    let offset = recent?.after ?? this.offsetAt(from);
    let prevOffset = recent?.before ?? offset;
    const segments: OffsetSegment[] = [];
    for (const transition of this.transitionsIn(from, to)) {
      segments.push({ start, end: transition.at, offset, prevOffset });
      start = transition.at;
      offset = transition.after;
      prevOffset = transition.before;
    }
    segments.push({ start, end: Infinity, offset, prevOffset });
    return segments;
  }

  private yearRules(year: number): YearRules {
    let rules = this.years.get(year);
    if (rules === undefined) {
      rules = this.zone === 'UTC' ? { startOffset: 0, transitions: [] } : this.computeYear(year);
      this.years.set(year, rules);
    }
    return rules;
  }

  /** Samples the year weekly and bisects every change down to the second. Transitions land in `(yearStart, yearEnd]`. */
  private computeYear(year: number): YearRules {
    const yearStart = utcMillis(year, 1, 1);
    const yearEnd = utcMillis(year + 1, 1, 1);
    const startOffset = exactOffsetAt(this.zone, yearStart);
    const transitions: OffsetTransition[] = [];
    let previous = yearStart;
    let previousOffset = startOffset;
    while (previous < yearEnd) {
      const next = Math.min(previous + SAMPLE_STEP, yearEnd);
      const nextOffset = exactOffsetAt(this.zone, next);
      if (nextOffset !== previousOffset) {
        transitions.push({ at: this.bisect(previous, previousOffset, next), before: previousOffset, after: nextOffset });
      }
      previous = next;
      previousOffset = nextOffset;
    }
    return { startOffset, transitions };
  }

  /** The first second in `(low, high]` whose offset differs from `lowOffset`. */
  private bisect(low: number, lowOffset: number, high: number): number {
    while (high - low > SECOND) {
      const middle = low + Math.floor((high - low) / 2 / SECOND) * SECOND;
      if (exactOffsetAt(this.zone, middle) === lowOffset) low = middle;
      else high = middle;
    }
    return high;
  }
}

const zoneRulesCache = new Map<string, ZoneRules>();

/** Cached offset rules for a canonical zone name (see normalizeTimezone). */
export function zoneRules(zone: string): ZoneRules {
  let rules = zoneRulesCache.get(zone);
  if (rules === undefined) {
    rules = new ZoneRules(zone);
    zoneRulesCache.set(zone, rules);
  }
  return rules;
}

/** Formats an instant as ISO 8601 with the zone's offset and milliseconds, e.g. `2026-03-29T03:30:00.000+02:00`. */
export function formatInZone(instant: Date, timezone: string): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('formatInZone: invalid Date');
  const zone = normalizeTimezone(timezone);
  const offset = exactOffsetAt(zone, ms);
  const wall = new Date(ms + offset);
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const time = `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}.${pad(wall.getUTCMilliseconds(), 3)}`;
  return `${date}T${time}${formatOffset(offset)}`;
}

function formatOffset(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.trunc(Math.abs(offset) / MINUTE); // historical second-level offsets are truncated
  return `${sign}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
