/** Parses a JSON text field: '' means "not given". */
export function parseJsonField(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export const prettyJson = (value: unknown) => (value === undefined || value === null ? '' : JSON.stringify(value, null, 2));
