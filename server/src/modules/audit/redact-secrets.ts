const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|^key$|authorization|cookie|signing|credential/i;
const MAX_DEPTH = 6;

/** A copy of a JSON-like value with every secret-looking field replaced, for audit details and logs. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(item, depth + 1);
  return out;
}
