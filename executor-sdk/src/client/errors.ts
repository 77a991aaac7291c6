import type { ErrorCode, RunDto } from '@baton/protocol';

/**
 * The server answered with an error body `{ code, message, details }` (any non-2xx status).
 * Branch on `code`, not on `message`: codes are stable, messages are written for people.
 */
export class BatonApiError extends Error {
  override name = 'BatonApiError';

  constructor(
    /** The HTTP status, e.g. 404. */
    readonly status: number,
    readonly code: ErrorCode,
    /** The server's message, verbatim. */
    message: string,
    /** Per code: the field problems of VALIDATION_FAILED, `{ runId }` of IDEMPOTENCY_CONFLICT, … */
    readonly details: unknown,
    readonly method: string,
    readonly url: string,
    /** Set on INTERNAL_ERROR: quote it to find the server's log line. */
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/**
 * The request got no usable Baton answer: the server was unreachable, the call timed out, or
 * something else (a proxy, a wrong URL) answered with a body that is not a Baton response.
 * `status` is set in the last case only.
 */
export class BatonRequestError extends Error {
  override name = 'BatonRequestError';

  constructor(
    message: string,
    readonly method: string,
    readonly url: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** waitForRun's overall timeout passed before the run ended; `run` is the last state seen. */
export class BatonTimeoutError extends Error {
  override name = 'BatonTimeoutError';

  constructor(
    readonly run: RunDto,
    readonly timeoutMs: number,
  ) {
    super(`Run ${run.id} did not end within ${timeoutMs} ms (last status ${run.status})`);
  }
}
