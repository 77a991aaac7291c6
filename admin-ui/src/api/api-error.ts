import type { ApiErrorBody, ErrorCode, FieldProblem } from '@baton/protocol';

/** A non-2xx answer from the API, or a request that never got one (code NETWORK_ERROR). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK_ERROR',
    message: string,
    readonly details: unknown = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field problems of a VALIDATION_FAILED answer (empty otherwise). */
  get fieldProblems(): FieldProblem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter((d): d is FieldProblem => typeof d?.field === 'string' && typeof d?.message === 'string');
  }

  /** Builds the error from a response body, tolerating bodies that are not Baton errors (a proxy's HTML page). */
  static fromBody(status: number, body: unknown, statusText: string): ApiError {
    const b = body as Partial<ApiErrorBody> | null;
    if (b && typeof b.code === 'string' && typeof b.message === 'string') return new ApiError(status, b.code, b.message, b.details ?? null, b.requestId ?? null);
    return new ApiError(status, status >= 500 ? 'INTERNAL_ERROR' : 'ROUTE_NOT_FOUND', `HTTP ${status} ${statusText}`.trim());
  }
}

export function isApiError(e: unknown, code?: string): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}
