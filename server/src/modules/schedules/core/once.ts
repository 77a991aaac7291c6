/** The ONCE schedule's expression: one ISO 8601 instant that must carry a UTC offset or Z. */
import { ScheduleError } from './schedule-error.js';
import { MINUTE, utcMillis } from './zoned-time.js';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parses the instant; throws ScheduleError (field 'expression'). */
export function parseOnceInstant(expr: string): number {
  const text = typeof expr === 'string' ? expr.trim() : '';
  if (text === '') throw fail('A ONCE schedule needs a date-time with an offset, e.g. "2026-05-01T09:00:00+02:00"');
  const match = DATE_TIME.exec(text);
  if (match === null) throw notDateTime(text);
  const [, year, month, day, hour, minute, second = '0', fraction = '', offset] = match;
  if (offset === undefined) {
    throw fail(`ONCE time "${text}" has no UTC offset — add one, e.g. "${text}Z" for UTC or "${text}+02:00"`);
  }
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const wall = utcMillis(...fields, Number(fraction.slice(0, 3).padEnd(3, '0')));
  if (!fieldsRoundTrip(wall, fields)) throw notDateTime(text);
  const offsetMinutes = parseOffsetMinutes(offset);
  if (offsetMinutes === null) throw notDateTime(text);
  return wall - offsetMinutes * MINUTE;
}

/** Rejects overflowing fields like 2026-02-30 or 25:00 that Date would silently roll over. */
function fieldsRoundTrip(wall: number, [year, month, day, hour, minute, second]: readonly number[]): boolean {
  const date = new Date(wall);
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() + 1 === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

function parseOffsetMinutes(offset: string): number | null {
  if (offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 18 || minutes > 59) return null;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function notDateTime(text: string): ScheduleError {
  return fail(`ONCE time "${text}" is not a valid ISO 8601 date-time — use e.g. "2026-05-01T09:00:00+02:00"`);
}

function fail(message: string): ScheduleError {
  return new ScheduleError(message, 'expression');
}
