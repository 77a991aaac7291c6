/** A key holding one of these words (camelCase, snake_case or kebab-case) holds a secret. */
const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'secret', 'token', 'key', 'authorization', 'cookie', 'hash', 'credentials']);

export const REDACTED = '[redacted]';

/**
 * A deep copy of `value` with the values of secret-looking keys (password, token, secret, key,
 * authorization, cookie, hash…) replaced by `[redacted]`, for audit details and log lines.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1)) as T;
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretKey(k) ? REDACTED : redactSecrets(v, depth + 1);
  }
  return out as T;
}

export function isSecretKey(key: string): boolean {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w)) || /password|secret|apikey/i.test(key);
}
