import type { HandshakeError } from '@baton/protocol';

/**
 * Throw it from a handler to fail the run for good: the result carries `retryable: false`, so
 * the server makes no further attempts (use it for bad parameters, not for flaky dependencies).
 */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}

/**
 * A server refused the handshake (bad token, unsupported protocol, malformed handshake).
 * Retrying cannot help, so start() rejects with it at once instead of reconnecting.
 */
export class ExecutorRefusedError extends Error {
  override name = 'ExecutorRefusedError';

  constructor(
    readonly code: HandshakeError,
    readonly url: string,
    serverMessage: string,
  ) {
    super(`Baton server ${url} refused the executor: ${serverMessage}`);
  }
}
