/**
 * Lets code await a condition over state that changes elsewhere: the owner calls notify()
 * after every change, and until() re-checks the predicate then.
 */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  notify(): void {
    for (const check of [...this.waiting]) check();
  }

  /** Resolves true once `predicate` holds, or false after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiting.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (predicate()) done(true);
      };
      const timer = setTimeout(() => done(predicate()), Math.max(0, timeoutMs));
      this.waiting.add(check);
    });
  }
}
