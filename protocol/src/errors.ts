/**
 * Error codes carried in every API error body `{ code, message, details }`.
 * The server maps each code to one HTTP status in a single place.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_SCHEDULE',
  'INVALID_TIMEZONE',
  'INVALID_ID',
  'ROUTE_NOT_FOUND',
  'APP_NOT_FOUND',
  'APP_NAME_TAKEN',
  'APP_HAS_JOBS',
  'JOB_NOT_FOUND',
  'JOB_NAME_TAKEN',
  'VERSION_CONFLICT',
  'JOB_DEPENDENCY_CYCLE',
  'JOB_HAS_PARENTS',
  'RUN_NOT_FOUND',
  'RUN_ALREADY_FINISHED',
  'RUN_NOT_RETRYABLE',
  'EXECUTOR_NOT_CONNECTED',
  'IDEMPOTENCY_CONFLICT',
  'RUN_ALREADY_STARTED',
  'ALERT_CHANNEL_NOT_FOUND',
  'ALERT_CHANNEL_NAME_TAKEN',
  'ALERT_CHANNEL_IN_USE',
  'PAYLOAD_TOO_LARGE',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL_ERROR',
  'NOT_READY',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CSRF_TOKEN_INVALID',
  'LOGIN_FAILED',
  'ACCOUNT_LOCKED',
  'RATE_LIMITED',
  'SETUP_NOT_AVAILABLE',
  'SETUP_TOKEN_INVALID',
  'USER_NOT_FOUND',
  'USER_EMAIL_TAKEN',
  'LAST_ADMIN',
  'PASSWORD_TOO_WEAK',
  'API_KEY_NOT_FOUND',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A single problem with one input field. */
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `retry.maxAttempts`. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** The body of every non-2xx response. */
export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
  /** Correlates a 500 with the server's log line. */
  requestId?: string;
}
