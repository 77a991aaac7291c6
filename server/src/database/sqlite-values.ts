import type { DataSource } from 'typeorm';

const SMALL_INTEGERS = new Set(['int', 'integer', 'smallint', 'tinyint', 'mediumint']);

/** Extra result column names (aliases in hand-written SQL) that carry times or 64-bit ids. */
export const SQLITE_TIME_ALIASES: readonly string[] = ['now'];
export const SQLITE_BIGINT_ALIASES: readonly string[] = [];

/**
 * Makes raw statements on SQLite read and write values the way they do on MySQL (mysql2 with
 * `timezone: 'Z'` and `bigNumberStrings`), so a repository's row mapping serves both engines:
 * Dates are written as 'YYYY-MM-DD HH:MM:SS.SSS' UTC text and come back as Dates; 64-bit ids
 * come back as decimal strings; a write reports `{ affectedRows, insertId }`. Which result
 * columns are times or ids is known from the entity metadata, plus the aliases above.
 */
export class SqliteValues {
  private readonly timeColumns: ReadonlySet<string>;
  private readonly bigintColumns: ReadonlySet<string>;

  constructor(dataSource: DataSource) {
    const columns = dataSource.entityMetadatas.flatMap((m) => m.columns);
    const times = new Set(SQLITE_TIME_ALIASES);
    const bigints = new Set(SQLITE_BIGINT_ALIASES);
    const notBigint = new Set<string>();
    for (const c of columns) {
      if (c.type === 'datetime') times.add(c.databaseName);
      else if (c.type === 'bigint') bigints.add(c.databaseName);
      else if (SMALL_INTEGERS.has(String(c.type))) notBigint.add(c.databaseName);
    }
    // A name that is a small integer in some table stays a number everywhere (a text id is text anyway).
    for (const name of notBigint) if (!SQLITE_BIGINT_ALIASES.includes(name)) bigints.delete(name);
    this.timeColumns = times;
    this.bigintColumns = bigints;
  }

  /** The statement and parameters as better-sqlite3 takes them. */
  bind(sql: string, parameters: readonly unknown[] | undefined): [string, unknown[]] {
    const params = parameters ?? [];
    const expanded = params.some(Array.isArray) ? expandArrayPlaceholders(sql, params) : sql;
    return [expanded, params.flat().map(toSqliteValue)];
  }

  /** A raw statement's result, shaped like mysql2's. */
  result(raw: { records?: unknown[]; raw?: unknown; affected?: number }): unknown {
    if (Array.isArray(raw.raw)) return (raw.raw as Array<Record<string, unknown>>).map((row) => this.row(row));
    const affectedRows = raw.affected ?? 0;
    const last = Number(raw.raw ?? 0);
    // MySQL reports the first id of a multi-row insert; SQLite the last (ids are consecutive here).
    return { affectedRows, insertId: affectedRows > 0 ? last - affectedRows + 1 : 0 };
  }

  private row(row: Record<string, unknown>): Record<string, unknown> {
    for (const key of Object.keys(row)) {
      const v = row[key];
      if (typeof v === 'string' && this.timeColumns.has(key)) row[key] = fromSqliteTime(v);
      else if ((typeof v === 'number' || typeof v === 'bigint') && this.bigintColumns.has(key)) row[key] = String(v);
    }
    return row;
  }
}

export function toSqliteTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function fromSqliteTime(text: string): Date {
  const iso = text.length === 10 ? `${text}T00:00:00` : text.replace(' ', 'T');
  return new Date(`${iso}Z`);
}

function toSqliteValue(value: unknown): unknown {
  if (value instanceof Date) return toSqliteTime(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  return value;
}

/** mysql2 expands `IN (?)` with an array into a list; better-sqlite3 binds scalars only. */
function expandArrayPlaceholders(sql: string, params: readonly unknown[]): string {
  let index = 0;
  let quote: string | null = null;
  let out = '';
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
    } else if (ch === '?') {
      const p = params[index++];
      if (Array.isArray(p)) {
        out += p.length === 0 ? 'NULL' : p.map(() => '?').join(', ');
        continue;
      }
    }
    out += ch;
  }
  return out;
}
