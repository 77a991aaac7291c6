/** True when `error` is a duplicate-key error (MySQL or SQLite), optionally for one named unique key. */
export function isDuplicateKey(error: unknown, keyName?: string): boolean {
  const e = error as { code?: string; errno?: number; sqlMessage?: string; message?: string; driverError?: { code?: string; sqlMessage?: string; message?: string } };
  const code = e?.driverError?.code ?? e?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return !keyName || sqliteKeyMatches(e?.driverError?.message ?? e?.message ?? '', keyName);
  if (code !== 'ER_DUP_ENTRY') return false;
  if (!keyName) return true;
  const message = e?.sqlMessage ?? e?.driverError?.sqlMessage ?? '';
  return message.includes(`'${keyName}'`) || message.includes(`.${keyName}'`);
}

/** SQLite names the columns, not the index: "UNIQUE constraint failed: runs.job_id, runs.fire_time". */
const uniqueKeyColumns = new Map<string, string>();

/** Registers the unique keys of the SQLite schema (done when the schema is read) for isDuplicateKey. */
export function registerSqliteUniqueKey(keyName: string, table: string, columns: readonly string[]): void {
  uniqueKeyColumns.set(keyName, columns.map((c) => `${table}.${c}`).join(', '));
}

function sqliteKeyMatches(message: string, keyName: string): boolean {
  const columns = uniqueKeyColumns.get(keyName);
  return columns !== undefined && message.endsWith(`failed: ${columns}`);
}
