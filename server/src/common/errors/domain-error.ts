import type { ErrorCode, FieldProblem } from '@baton/protocol';

/** An expected failure with a stable code; the global filter turns it into a 4xx. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Response headers the error carries, e.g. `Retry-After` on 429. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function validationError(problems: FieldProblem[]): DomainError {
  const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return new DomainError('VALIDATION_FAILED', `Invalid request: ${summary}`, problems);
}

export function invalidField(field: string, message: string): DomainError {
  return validationError([{ field, message }]);
}
