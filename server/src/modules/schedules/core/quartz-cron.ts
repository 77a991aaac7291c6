/**
 * Parser for Baton's cron dialect: Quartz (6-7 fields, with seconds and optional year),
 * Unix/Vixie (5 fields) and @macros. Produces a CronPattern; see docs/scheduling.md.
 */
import { CronPattern, MAX_YEAR, MIN_YEAR, ValueSet, type DayRule, type DomItem, type DowItem } from './cron-pattern.js';
import { ScheduleError } from './schedule-error.js';

type FieldName = 'second' | 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week' | 'year';

interface FieldSpec {
  readonly name: FieldName;
  readonly min: number;
  readonly max: number;
  /** Upper-case names accepted in place of numbers. */
  readonly names?: Readonly<Record<string, number>>;
  /** Whether `22-2` style ranges may wrap around past `max`. */
  readonly wraps: boolean;
}

const MONTH_NAMES = names(['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], 1);
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const SECOND_FIELD: FieldSpec = { name: 'second', min: 0, max: 59, wraps: true };
const MINUTE_FIELD: FieldSpec = { name: 'minute', min: 0, max: 59, wraps: true };
const HOUR_FIELD: FieldSpec = { name: 'hour', min: 0, max: 23, wraps: true };
const DOM_FIELD: FieldSpec = { name: 'day-of-month', min: 1, max: 31, wraps: true };
const MONTH_FIELD: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES, wraps: true };
const YEAR_FIELD: FieldSpec = { name: 'year', min: MIN_YEAR, max: MAX_YEAR, wraps: false };
/** Quartz numbers weekdays 1-7 = SUN-SAT. */
const QUARTZ_DOW_FIELD: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: names(DAY_NAMES, 1), wraps: true };
/** Unix numbers weekdays 0-7, where both 0 and 7 are Sunday. */
const UNIX_DOW_FIELD: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: names(DAY_NAMES, 0), wraps: true };

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 ?',
  '@annually': '0 0 0 1 1 ?',
  '@monthly': '0 0 0 1 * ?',
  '@weekly': '0 0 0 ? * SUN',
  '@daily': '0 0 0 * * ?',
  '@midnight': '0 0 0 * * ?',
  '@hourly': '0 0 * * * ?',
  '@minutely': '0 * * * * ?',
};

function names(list: readonly string[], first: number): Record<string, number> {
  return Object.fromEntries(list.map((name, index) => [name, first + index]));
}

function invalid(message: string): ScheduleError {
  return new ScheduleError(`Invalid cron expression: ${message}`, 'expression');
}

function fieldError(field: FieldSpec, token: string, problem: string): ScheduleError {
  return invalid(`${field.name} "${token}" ${problem}`);
}

/** Parses any supported cron form; throws ScheduleError (field 'expression') with a user-facing message. */
export function parseCron(expression: string): CronPattern {
  const text = expression.trim();
  if (text === '') throw new ScheduleError('A CRON schedule needs an expression, e.g. "0 0 9 * * ?"', 'expression');
  if (text.startsWith('@')) return parseQuartz(expandMacro(text));
  const fields = text.split(/[ \t]+/);
  if (fields.length === 5) return parseUnix(fields);
  if (fields.length === 6 || fields.length === 7) return parseQuartz(fields);
  throw invalid(
    `expected 6 or 7 fields (Quartz: second minute hour day-of-month month day-of-week [year]) or 5 (Unix), got ${fields.length}`,
  );
}

function expandMacro(text: string): string[] {
  const expansion = MACROS[text.toLowerCase()];
  if (expansion === undefined) {
    throw invalid(`unknown macro "${text}" — use @yearly, @monthly, @weekly, @daily, @hourly or @minutely`);
  }
  return expansion.split(' ');
}

function parseQuartz(fields: readonly string[]): CronPattern {
  const [second, minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string, string?];
  const days: DayRule = { dom: parseDayOfMonth(dom), dow: parseDayOfWeek(dow, QUARTZ_DOW_FIELD) };
  if (days.dom !== null && days.dow !== null) {
    throw invalid('set day-of-month or day-of-week to ? — Quartz cron cannot constrain both');
  }
  return new CronPattern({
    seconds: parseValues(second, SECOND_FIELD),
    minutes: parseValues(minute, MINUTE_FIELD),
    hours: parseValues(hour, HOUR_FIELD),
    months: parseValues(month, MONTH_FIELD),
    years: year === undefined ? ValueSet.range(MIN_YEAR, MAX_YEAR) : parseValues(year, YEAR_FIELD),
    days,
  });
}

/** Unix form: no seconds, weekdays 0-7, and Vixie's "either day field matches" rule (applied in CronPattern). */
function parseUnix(fields: readonly string[]): CronPattern {
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  return new CronPattern({
    seconds: new ValueSet(0, 59, [0]),
    minutes: parseValues(minute, MINUTE_FIELD),
    hours: parseValues(hour, HOUR_FIELD),
    months: parseValues(month, MONTH_FIELD),
    years: ValueSet.range(MIN_YEAR, MAX_YEAR),
    days: { dom: parseDayOfMonth(dom), dow: parseDayOfWeek(dow, UNIX_DOW_FIELD) },
  });
}

// ---------------------------------------------------------------------------------------------
// Plain value fields (second, minute, hour, month, year and the numeric parts of the day fields)

function parseValues(text: string, field: FieldSpec): ValueSet {
  const values: number[] = [];
  for (const item of listItems(text, field)) {
    rejectSpecialChars(item, field);
    values.push(...expandItem(item, field));
  }
  return new ValueSet(field.min, field.max, values);
}

function listItems(text: string, field: FieldSpec): string[] {
  const items = text.split(',');
  if (items.some((item) => item === '')) throw fieldError(field, text, 'has an empty list item');
  return items;
}

/** Gives `L`, `W`, `#` and `?` in the wrong field a message that says where they belong. */
function rejectSpecialChars(item: string, field: FieldSpec): void {
  const upper = item.toUpperCase();
  if (upper.includes('?')) {
    const dayField = field === DOM_FIELD || field.name === 'day-of-week';
    throw fieldError(field, item, `uses ?, which ${dayField ? 'must stand alone' : 'is only allowed in day-of-month or day-of-week'}`);
  }
  if (upper.includes('#')) throw fieldError(field, item, 'uses #, which is only allowed in day-of-week (e.g. 6#3)');
  if (field.name === 'day-of-week') return; // day-of-week handles its own L forms, and WED contains a W
  if (/^(L(-\d+)?W?|\d+[LW])$/.test(upper)) {
    throw fieldError(field, item, 'uses L or W, which are only allowed in day-of-month or day-of-week');
  }
}

/** `*`, `a`, `a-b`, with an optional `/step`; ranges may wrap (`22-2`) in fields that allow it. */
function expandItem(item: string, field: FieldSpec): number[] {
  const [base = '', stepText, ...extra] = item.split('/');
  if (extra.length > 0) throw fieldError(field, item, 'has more than one /');
  const step = stepText === undefined ? 1 : parseStep(stepText, field);
  const [low, high] = parseBase(base, stepText !== undefined, field);
  return expandRange(low, high, step, field, item);
}

function parseStep(text: string, field: FieldSpec): number {
  const span = field.max - field.min;
  if (!/^\d+$/.test(text)) throw invalid(`${field.name} step "${text}" is not a number`);
  const step = Number(text);
  if (step < 1 || step > span) throw invalid(`${field.name} step "${text}" is out of range 1-${span}`);
  return step;
}

function parseBase(base: string, hasStep: boolean, field: FieldSpec): [number, number] {
  if (base === '*') return [field.min, field === UNIX_DOW_FIELD ? 6 : field.max];
  const bounds = base.split('-');
  if (bounds.length > 2 || bounds.some((bound) => bound === '')) {
    throw fieldError(field, base, 'is not a valid range; write it as low-high, e.g. 1-5');
  }
  const low = parseValue(bounds[0]!, field);
  if (bounds.length === 2) return [low, parseValue(bounds[1]!, field)];
  return [low, hasStep ? field.max : low]; // "a/step" runs from a to the end of the field
}

function expandRange(low: number, high: number, step: number, field: FieldSpec, item: string): number[] {
  if (low <= high) {
    const values: number[] = [];
    for (let value = low; value <= high; value += step) values.push(value);
    return values;
  }
  if (!field.wraps) throw fieldError(field, item, 'is a backwards range; write it low-high');
  // Wrapped range, e.g. hours 22-2 = 22,23,0,1,2. Unix weekdays wrap over the 7-day week, not 0-7.
  const size = field === UNIX_DOW_FIELD ? 7 : field.max - field.min + 1;
  const [from, to] = field === UNIX_DOW_FIELD ? [low % 7, high % 7] : [low, high];
  if (from <= to) return expandRange(from, to, step, field, item);
  const values: number[] = [];
  const length = (to - from + size) % size;
  for (let i = 0; i <= length; i += step) values.push(field.min + ((from - field.min + i) % size));
  return values;
}

function parseValue(token: string, field: FieldSpec): number {
  const upper = token.toUpperCase();
  const named = field.names?.[upper];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(token)) throw fieldError(field, token, notANumberProblem(field));
  const value = Number(token);
  if (value < field.min || value > field.max) throw fieldError(field, token, `is out of range ${field.min}-${field.max}`);
  return value;
}

function notANumberProblem(field: FieldSpec): string {
  if (field === MONTH_FIELD) return 'is not a number or month name (JAN-DEC)';
  if (field.name === 'day-of-week') return 'is not a number or day name (SUN-SAT)';
  return 'is not a number';
}

// ---------------------------------------------------------------------------------------------
// Day fields

/** `*` and `?` do not constrain the day; they return null. */
function parseDayOfMonth(text: string): DomItem[] | null {
  if (text === '*' || text === '?') return null;
  return listItems(text, DOM_FIELD).map(parseDomItem);
}

function parseDomItem(item: string): DomItem {
  const upper = item.toUpperCase();
  if (upper === 'L') return { kind: 'last', minus: 0 };
  if (upper === 'LW') return { kind: 'lastWeekday' };
  const lastMinus = /^L-(\d+)$/.exec(upper);
  if (lastMinus) {
    const minus = Number(lastMinus[1]);
    if (minus < 1 || minus > 30) throw fieldError(DOM_FIELD, item, 'is out of range L-1 to L-30');
    return { kind: 'last', minus };
  }
  if (upper.endsWith('W')) {
    const day = /^(\d+)W$/.exec(upper);
    if (!day) throw fieldError(DOM_FIELD, item, 'must be a single day before W, e.g. 15W');
    return { kind: 'nearestWeekday', day: parseValue(day[1]!, DOM_FIELD) };
  }
  if (upper.includes('L')) throw fieldError(DOM_FIELD, item, 'is not valid; use L, L-3 or LW for the end of the month');
  rejectSpecialChars(item, DOM_FIELD);
  return { kind: 'days', days: new ValueSet(1, 31, expandItem(item, DOM_FIELD)) };
}

function parseDayOfWeek(text: string, field: FieldSpec): DowItem[] | null {
  if (text === '*' || text === '?') return null;
  return listItems(text, field).map((item) => parseDowItem(item, field));
}

function parseDowItem(item: string, field: FieldSpec): DowItem {
  const upper = item.toUpperCase();
  if (upper === 'L') return { kind: 'weekdays', weekdays: new ValueSet(0, 6, [6]) }; // lone L = Saturday
  const nth = /^(\w*)#(\w*)$/.exec(upper);
  if (nth) {
    const weekday = toWeekday(parseValue(nth[1]!, field), field);
    const occurrence = /^\d+$/.test(nth[2]!) ? Number(nth[2]) : NaN;
    if (!(occurrence >= 1 && occurrence <= 5)) throw fieldError(field, item, 'needs an occurrence 1-5 after #, e.g. 6#3');
    return { kind: 'nth', weekday, nth: occurrence };
  }
  const last = /^(\d+|[A-Z]{3})L$/.exec(upper);
  if (last) return { kind: 'lastOfMonth', weekday: toWeekday(parseValue(last[1]!, field), field) };
  if (/^\d+W$|^L?W$/.test(upper)) throw fieldError(field, item, 'uses W, which is only allowed in day-of-month (e.g. 15W)');
  rejectSpecialChars(item, field);
  const weekdays = expandItem(item, field).map((value) => toWeekday(value, field));
  return { kind: 'weekdays', weekdays: new ValueSet(0, 6, weekdays) };
}

/** Input numbering (Quartz 1-7, Unix 0-7) to 0 = Sunday .. 6 = Saturday. */
function toWeekday(value: number, field: FieldSpec): number {
  return field === QUARTZ_DOW_FIELD ? value - 1 : value % 7;
}
