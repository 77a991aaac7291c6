import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields added to every log line written while some work is in progress (a request, a run). */
export interface LogFields {
  requestId?: string;
  runId?: string;
}

const storage = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with `fields` added to every log line it writes, synchronously or in its async continuations. */
export function withLogFields<T>(fields: LogFields, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

export function currentLogFields(): LogFields | undefined {
  return storage.getStore();
}
