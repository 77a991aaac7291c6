import { isAbsolute, resolve } from 'node:path';

export interface MysqlConnectionOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Where Baton keeps its data: a MySQL/MariaDB database, or an embedded SQLite file. */
export type DatabaseTarget = { engine: 'mysql'; connection: MysqlConnectionOptions } | { engine: 'sqlite'; file: string };

/** With no DATABASE_URL the server runs on this embedded file (relative to the working directory). */
export const DEFAULT_DATABASE_URL = 'sqlite:data/baton.sqlite';

/**
 * Reads `mysql://user:password@host:port/database` or `sqlite:<path>` (`sqlite:///abs/path` and
 * `sqlite::memory:` work too). A relative SQLite path is resolved against the working directory.
 */
export function databaseTarget(databaseUrl: string): DatabaseTarget {
  if (databaseUrl.startsWith('sqlite:')) return { engine: 'sqlite', file: sqliteFile(databaseUrl) };
  return { engine: 'mysql', connection: parseDatabaseUrl(databaseUrl) };
}

function sqliteFile(databaseUrl: string): string {
  let path = decodeURIComponent(databaseUrl.slice('sqlite:'.length));
  if (path.startsWith('//')) path = path.slice(2);
  if (path === ':memory:') return path;
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}

/** Splits `mysql://user:password@host:port/database` into connection options. */
export function parseDatabaseUrl(databaseUrl: string): MysqlConnectionOptions {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
  };
}
