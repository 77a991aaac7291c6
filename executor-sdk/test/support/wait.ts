/** Polls `predicate` until it holds, or throws after `timeoutMs` with `what` in the message. */
export async function waitFor(predicate: () => boolean, what = 'condition', timeoutMs = 5_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Checks that `predicate` keeps holding for `forMs` (to show something does NOT happen, e.g. a retry). */
export async function staysTrue(predicate: () => boolean, what: string, forMs: number): Promise<void> {
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    if (!predicate()) throw new Error(`Expected ${what} to keep holding`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
