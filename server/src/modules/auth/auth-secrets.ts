import { randomBytes } from 'node:crypto';
import { hashSecret } from '../../common/secrets.js';

/** A 32-byte random value (base64url) and its SHA-256, for session ids, CSRF and setup tokens. */
export function randomToken(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: hashSecret(value) };
}

export const API_KEY_PATTERN = /^bk_[A-Za-z0-9_-]{43}$/;

/** `bk_` + 32 random bytes; the first 11 characters are kept, in clear, as the prefix. */
export function newApiKey(): { value: string; hash: string; prefix: string } {
  const value = `bk_${randomBytes(32).toString('base64url')}`;
  return { value, hash: hashSecret(value), prefix: value.slice(0, 11) };
}

/** E-mail addresses compare case-insensitively; they are stored lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
