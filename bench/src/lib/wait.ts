import { setTimeout as delay } from 'node:timers/promises';

/** Polls `fn` until it returns a truthy value (no fixed sleeps in the bench either). */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: { timeoutMs: number; intervalMs?: number; message: string }): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${opts.timeoutMs} ms: ${opts.message}`);
    await delay(opts.intervalMs ?? 50);
  }
}

/** Waits until the wall clock reaches `at` (ms since epoch). */
export async function until(at: number): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await delay(ms);
}
