export const REDACTED = '[Redacted]';

/** Field names whose values are never logged, at any depth: credentials of every kind. */
const SECRET_FIELD = /pass(word|wd)?$|token|secret|key$|^key|authorization|cookie/i;

/**
 * A copy of `value` with every secret-looking field replaced. Walks plain objects and arrays only
 * (bounded depth, cycles cut), so a log call can never throw or leak through a nested object.
 */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8 || seen.has(value)) return '[Truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1, seen));
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) ? REDACTED : redactSecrets(field, depth + 1, seen);
  }
  return out;
}
