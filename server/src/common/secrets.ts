import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface GeneratedSecret {
  /** Shown to the user once. */
  value: string;
  /** What is stored. */
  hash: string;
  /** A non-secret beginning that tells secrets apart in lists. */
  prefix: string;
}

/**
 * A 256-bit random secret such as `bat_exe_3q2…`. SHA-256 suffices for storing it: unlike a
 * password it has full entropy, so there is nothing to brute-force.
 */
export function generateSecret(kind: string): GeneratedSecret {
  const value = `bat_${kind}_${randomBytes(32).toString('base64url')}`;
  return { value, hash: hashSecret(value), prefix: value.slice(0, 12) };
}

export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
