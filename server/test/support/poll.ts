import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
  /** Says what was awaited; leads the timeout error. */
  message?: string;
}

type Falsy = undefined | null | false;

/** What the last attempt did, so a timeout can say why it kept failing. */
type Attempt = { kind: 'none' } | { kind: 'value'; value: unknown } | { kind: 'error'; error: unknown } | { kind: 'pending' };

const PENDING = Symbol('pending');

/**
 * Polls `fn` until it returns a truthy value, and returns that value.
 * Tests wait on conditions with this, never with fixed sleeps: a sleep is either too short
 * (flaky) or too long (slow). Each attempt is bounded by the deadline too, so a call that
 * hangs (e.g. an HTTP request to a paused node) still ends in a timeout error.
 */
export async function waitFor<T>(fn: () => Promise<T | Falsy> | T | Falsy, opts: WaitForOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let last: Attempt = { kind: 'none' };

  for (;;) {
    last = await attemptBefore(fn, deadline);
    if (last.kind === 'value' && last.value) return last.value as T;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeoutError(opts.message, timeoutMs, last);
    await delay(Math.min(intervalMs, remaining));
  }
}

/** Runs one attempt, giving up on it (as `pending`) when the deadline passes first. */
async function attemptBefore<T>(fn: () => Promise<T> | T, deadline: number): Promise<Attempt> {
  const attempt = (async (): Promise<Attempt> => {
    try {
      return { kind: 'value', value: await fn() };
    } catch (error) {
      return { kind: 'error', error };
    }
  })();
  const abort = new AbortController();
  const expiry = delay(Math.max(0, deadline - Date.now()), PENDING, { signal: abort.signal }).catch(() => undefined);
  try {
    const winner = await Promise.race([attempt, expiry]);
    return winner === PENDING || winner === undefined ? { kind: 'pending' } : winner;
  } finally {
    // Without this the expiry timer would keep the event loop busy until the deadline.
    abort.abort();
  }
}

function timeoutError(message: string | undefined, timeoutMs: number, last: Attempt): Error {
  const head = `${message ?? 'waitFor: condition not met'} (timed out after ${timeoutMs} ms)`;
  switch (last.kind) {
    case 'error':
      return new Error(`${head}; last error: ${describeError(last.error)}`, { cause: last.error });
    case 'value':
      return new Error(`${head}; last value: ${inspect(last.value, { depth: 3, breakLength: Infinity })}`);
    case 'pending':
      return new Error(`${head}; the last attempt was still running`);
    default:
      return new Error(head);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : inspect(error, { depth: 3, breakLength: Infinity });
}
