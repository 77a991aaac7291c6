import type { ErrorCode } from '@baton/protocol';

/** The one place an error code becomes an HTTP status. Exhaustive: a new code fails to compile here. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'INVALID_SCHEDULE':
    case 'INVALID_TIMEZONE':
    case 'INVALID_ID':
    case 'MALFORMED_JSON':
    case 'PASSWORD_TOO_WEAK':
    case 'SETUP_TOKEN_INVALID':
      return 400;
    case 'UNAUTHENTICATED':
    case 'LOGIN_FAILED':
      return 401;
    case 'FORBIDDEN':
    case 'CSRF_TOKEN_INVALID':
      return 403;
    case 'ROUTE_NOT_FOUND':
    case 'APP_NOT_FOUND':
    case 'JOB_NOT_FOUND':
    case 'RUN_NOT_FOUND':
    case 'EXECUTOR_NOT_CONNECTED':
    case 'ALERT_CHANNEL_NOT_FOUND':
    case 'USER_NOT_FOUND':
    case 'API_KEY_NOT_FOUND':
      return 404;
    case 'APP_NAME_TAKEN':
    case 'APP_HAS_JOBS':
    case 'JOB_NAME_TAKEN':
    case 'VERSION_CONFLICT':
    case 'JOB_HAS_PARENTS':
    case 'RUN_ALREADY_FINISHED':
    case 'RUN_NOT_RETRYABLE':
    case 'IDEMPOTENCY_CONFLICT':
    case 'RUN_ALREADY_STARTED':
    case 'ALERT_CHANNEL_NAME_TAKEN':
    case 'ALERT_CHANNEL_IN_USE':
    case 'SETUP_NOT_AVAILABLE':
    case 'USER_EMAIL_TAKEN':
    case 'LAST_ADMIN':
      return 409;
    case 'ACCOUNT_LOCKED':
    case 'RATE_LIMITED':
      return 429;
    case 'JOB_DEPENDENCY_CYCLE':
      return 422;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'INTERNAL_ERROR':
      return 500;
    case 'NOT_READY':
      return 503;
    default:
      return assertNever(code);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unmapped error code: ${String(value)}`);
}
