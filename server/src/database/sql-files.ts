import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SqlFile {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

/** `sql/` at the repository root (two levels above both `src/` and `dist/`), or SQL_DIR. */
export function sqlDir(): string {
  if (process.env.SQL_DIR) return resolve(process.env.SQL_DIR);
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', 'sql');
}

/** `sql/sqlite/`: the SQLite twin of `sql/`, read by the same functions (its own schema.sql and migrations/). */
export function sqliteSqlDir(): string {
  return join(sqlDir(), 'sqlite');
}

export function readSchema(dir = sqlDir()): SqlFile & { schemaVersion: number } {
  const file = join(dir, 'schema.sql');
  const text = readFileSync(file, 'utf8');
  const match = /^--\s*schema-version:\s*(\d+)\s*$/m.exec(text);
  if (!match) throw new Error(`${file} lacks its "-- schema-version: N" line`);
  return { version: 0, name: 'schema.sql', checksum: sha256(text), statements: splitStatements(text), schemaVersion: Number(match[1]) };
}

/** `<dir>/migrations/NNNN_name.sql` (`sql/migrations/` by default), in version order. */
export function readMigrations(dir = sqlDir()): SqlFile[] {
  const folder = join(dir, 'migrations');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(join(folder, file), 'utf8');
      return { version: Number(file.slice(0, 4)), name: file, checksum: sha256(text), statements: splitStatements(text) };
    });
}

/** Splits a script on semicolons that end a line, after dropping `--` comment lines. */
export function splitStatements(text: string): string[] {
  const withoutComments = text
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n');
  return withoutComments
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
