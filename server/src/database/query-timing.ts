import { performance } from 'node:perf_hooks';
import type { DataSource, QueryRunner } from 'typeorm';

export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'other';

export type QueryObserver = (kind: StatementKind, seconds: number) => void;

const TIMED = Symbol('baton.queryTiming');

/**
 * Times every SQL statement the DataSource runs, in one place. Every path TypeORM takes to the
 * database — `dataSource.query`, the entity managers and query builders, `transaction()` and
 * explicit query runners — creates its QueryRunner through `driver.createQueryRunner` and sends
 * each statement through that runner's `query`; so wrapping the runners as they are made covers
 * them all, with no change to any repository. The runner's connection is taken from the pool
 * before the clock starts, so the time is the statement's, not the wait for a free connection.
 * (TypeORM's Logger is not enough: `logQuerySlow` sees only statements over a threshold, in
 * whole milliseconds.) Installing twice is a no-op.
 */
export function timeQueries(dataSource: DataSource, observe: QueryObserver): void {
  const driver = dataSource.driver as typeof dataSource.driver & { [TIMED]?: true };
  if (driver[TIMED]) return;
  driver[TIMED] = true;
  const createQueryRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => timed(createQueryRunner(mode), observe);
}

function timed(runner: QueryRunner, observe: QueryObserver): QueryRunner {
  // SQLite's driver hands out one shared runner: wrap it once, not once per request for it.
  const marked = runner as QueryRunner & { [TIMED]?: true };
  if (marked[TIMED]) return runner;
  marked[TIMED] = true;
  const query = runner.query.bind(runner) as (sql: string, parameters?: unknown[], structured?: boolean) => Promise<unknown>;
  const wrapped = async (sql: string, parameters?: unknown[], structured?: boolean): Promise<unknown> => {
    // A released runner refuses the statement itself; connecting it here would take a connection it never gives back.
    if (!runner.isReleased) await runner.connect();
    const started = performance.now();
    try {
      return await query(sql, parameters, structured);
    } finally {
      observe(statementKind(sql), (performance.now() - started) / 1000);
    }
  };
  runner.query = wrapped as QueryRunner['query'];
  return runner;
}

/** The statement's first keyword, coarsely: a label with a handful of values, never the SQL. */
export function statementKind(sql: string): StatementKind {
  const m = /^[\s(]*(\w+)/.exec(sql);
  switch (m?.[1]?.toLowerCase()) {
    case 'select':
      return 'select';
    case 'insert':
    case 'replace':
      return 'insert';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    default:
      return 'other';
  }
}
