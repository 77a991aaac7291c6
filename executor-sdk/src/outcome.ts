import type { ExecutorOutcome, RunError } from '@baton/protocol';
import { NonRetryableError } from './errors.js';

/** How a run ended, before timestamps are added. */
export interface Settlement {
  outcome: ExecutorOutcome;
  result?: unknown;
  error?: RunError;
  handlerIgnoredAbort?: boolean;
}

/** Why the executor aborted a handler: a kill reason from the server, or its own shutdown. */
export type AbortCode = 'TIMEOUT' | 'KILLED' | 'COVERED' | 'SHUTDOWN';

const MAX_MESSAGE_CHARS = 4_096;
const MAX_STACK_CHARS = 16_384;

const cap = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}… [truncated]` : s);

/** A returned value becomes the result if it is JSON and small enough; otherwise the run fails for good. */
export function succeeded(value: unknown, maxResultBytes: number): Settlement {
  if (value === undefined) return { outcome: 'SUCCEEDED', result: null };
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return notRetryable(`The handler's result is not JSON-serializable: ${(error as Error).message}`);
  }
  if (json === undefined) return notRetryable(`The handler's result is not JSON-serializable (a ${typeof value})`);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxResultBytes) {
    return notRetryable(`The handler's result is ${bytes} bytes as JSON, over the ${maxResultBytes}-byte limit (maxResultBytes)`);
  }
  // Send the JSON form, so what the server stores is exactly what a re-send would carry (Dates as strings, no class instances).
  return { outcome: 'SUCCEEDED', result: JSON.parse(json) };
}

/** A thrown value: retryable unless it is a NonRetryableError. */
export function failed(thrown: unknown): Settlement {
  return { outcome: 'FAILED', error: toRunError(thrown, !(thrown instanceof NonRetryableError)) };
}

/**
 * The outcome of an aborted run, whatever the handler did after the abort: the abort reason
 * decides. A timeout may be retried by the server; a kill or cover is final; a shutdown is
 * not the run's fault, so it stays retryable.
 */
export function aborted(reason: unknown, timeoutMs: number): Settlement {
  switch (reason) {
    case 'TIMEOUT':
      return {
        outcome: 'TIMED_OUT',
        error: { message: timeoutMs > 0 ? `The run timed out after ${timeoutMs} ms` : 'The run timed out', retryable: true },
      };
    case 'KILLED':
      return { outcome: 'CANCELLED', error: { message: 'The run was killed', retryable: false } };
    case 'COVERED':
      return { outcome: 'CANCELLED', error: { message: 'The run was cancelled: a newer run covers it', retryable: false } };
    case 'SHUTDOWN':
      return { outcome: 'CANCELLED', error: { message: 'The executor shut down before the run finished', retryable: true } };
    default:
      return { outcome: 'CANCELLED', error: { message: `The run was cancelled (${describeReason(reason)})`, retryable: false } };
  }
}

export function toRunError(thrown: unknown, retryable: boolean): RunError {
  if (thrown instanceof Error) {
    const message = cap(thrown.message || thrown.name || 'Error', MAX_MESSAGE_CHARS);
    return thrown.stack ? { message, stack: cap(thrown.stack, MAX_STACK_CHARS), retryable } : { message, retryable };
  }
  return { message: cap(safeString(thrown), MAX_MESSAGE_CHARS), retryable };
}

function notRetryable(message: string): Settlement {
  return { outcome: 'FAILED', error: { message, retryable: false } };
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : safeString(reason);
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
