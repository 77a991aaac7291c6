import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Gives SQLite's one connection to one unit of work at a time.
 *
 * TypeORM's better-sqlite3 driver shares a single connection (and query runner) among all
 * callers, so two transactions started concurrently would interleave on it: the second would
 * nest inside the first as a savepoint, and a rollback of one would take the other's writes
 * along. Each unit of work (a transaction, an entity-manager call, a lone statement) therefore
 * waits its turn here. Calls made from inside the unit holding the connection (its statements,
 * nested transactions) are recognised through AsyncLocalStorage and pass straight through.
 */
export class SqliteSerializer {
  private readonly context = new AsyncLocalStorage<object>();
  private holder: object | null = null;
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.holder !== null && this.context.getStore() === this.holder) return work();
    const token = {};
    const previous = this.tail;
    let done!: () => void;
    this.tail = new Promise<void>((resolve) => (done = resolve));
    return previous.then(async () => {
      this.holder = token;
      try {
        return await this.context.run(token, work);
      } finally {
        this.holder = null;
        done();
      }
    });
  }
}
