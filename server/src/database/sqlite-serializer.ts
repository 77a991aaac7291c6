import { AsyncLocalStorage } from 'node:async_hooks';

/** One unit of work holding the connection, and the calls it made that have not finished yet. */
interface Unit {
  inflight: number;
  idle?: () => void;
}

/**
 * Gives SQLite's one connection to one unit of work at a time.
 *
 * TypeORM's better-sqlite3 driver shares a single connection (and query runner) among all
 * callers, so two transactions started concurrently would interleave on it: the second would
 * nest inside the first as a savepoint, and a rollback of one would take the other's writes
 * along. Each unit of work (a transaction, an entity-manager call, a lone statement) therefore
 * waits its turn here. Calls made from inside the unit holding the connection (its statements,
 * nested transactions) are recognised through AsyncLocalStorage and pass straight through, or
 * they would wait for the unit that waits for them. The price: work a unit starts without
 * awaiting it joins that unit (on MySQL it would take another pooled connection); the unit keeps
 * the connection until that work is done, so it cannot interleave with the next unit.
 */
export class SqliteSerializer {
  private readonly context = new AsyncLocalStorage<Unit>();
  private holder: Unit | null = null;
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const current = this.context.getStore();
    if (current !== undefined && current === this.holder) return this.within(current, work);
    const unit: Unit = { inflight: 0 };
    const previous = this.tail;
    let done!: () => void;
    this.tail = new Promise<void>((resolve) => (done = resolve));
    return previous.then(async () => {
      this.holder = unit;
      try {
        return await this.context.run(unit, work);
      } finally {
        if (unit.inflight > 0) await new Promise<void>((resolve) => (unit.idle = resolve));
        this.holder = null;
        done();
      }
    });
  }

  private async within<T>(unit: Unit, work: () => Promise<T>): Promise<T> {
    unit.inflight++;
    try {
      return await work();
    } finally {
      if (--unit.inflight === 0) unit.idle?.();
    }
  }
}
