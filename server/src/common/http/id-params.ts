import { DomainError } from '../errors/domain-error.js';

const ID = /^[1-9]\d{0,19}$/;
const MAX_ID = 18446744073709551615n;

/** True for a decimal string that fits BIGINT UNSIGNED. */
export function isId(value: string): boolean {
  return ID.test(value) && BigInt(value) <= MAX_ID;
}

/** Validates a numeric id path parameter. */
export function parseId(value: string, what: string): string {
  if (!isId(value)) throw new DomainError('INVALID_ID', `${what} id must be a positive whole number, got "${value.slice(0, 64)}".`);
  return value;
}
