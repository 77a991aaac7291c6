/** A key holding one of these words (camelCase, snake_case or kebab-case) holds a secret. */
const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'secret', 'token', 'key', 'authorization', 'cookie', 'hash', 'credentials']);

const MAX_DEPTH = 8;

export function isSecretKey(key: string): boolean {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w)) || /password|secret|apikey/i.test(key);
}

/**
 * A deep copy of `value` with the values of secret-looking keys (password, token, secret, key,
 * authorization, cookie, hash…) replaced by `marker`, for audit details and log lines. Walks plain
 * objects and arrays only, with a bounded depth and cycles cut, so it never throws and never
 * passes a nested secret through.
 */
export function redactSecrets<T>(value: T, marker = '[redacted]'): T {
  return walk(value, marker, 0, new WeakSet()) as T;
}

function walk(value: unknown, marker: string, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Error) return value;
  if (depth > MAX_DEPTH || seen.has(value)) return '[truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, marker, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = isSecretKey(key) ? marker : walk(field, marker, depth + 1, seen);
  return out;
}
