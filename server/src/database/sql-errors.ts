/** True when `error` is MySQL's duplicate-key error, optionally for one named unique key. */
export function isDuplicateKey(error: unknown, keyName?: string): boolean {
  const e = error as { code?: string; errno?: number; sqlMessage?: string; driverError?: { code?: string; sqlMessage?: string } };
  const code = e?.code ?? e?.driverError?.code;
  if (code !== 'ER_DUP_ENTRY') return false;
  if (!keyName) return true;
  const message = e?.sqlMessage ?? e?.driverError?.sqlMessage ?? '';
  return message.includes(`'${keyName}'`) || message.includes(`.${keyName}'`);
}
