/**
 * The id a single-row INSERT run through `sql()` created, as a string: mysql2 reports it as
 * `insertId`, better-sqlite3 as `lastInsertRowid`.
 */
export function insertedId(result: unknown): string {
  const r = (Array.isArray(result) ? result[0] : result) as { insertId?: number | string; lastInsertRowid?: number | bigint };
  return String(r.insertId ?? r.lastInsertRowid);
}
