import type { CookieOptions, Response } from 'express';
import { CSRF_COOKIE, SESSION_COOKIE } from '@baton/protocol';

/** Reads a Cookie header into name → value (first occurrence wins; bad escapes are kept raw). */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? '' : part.slice(0, eq).trim();
    if (name === '') continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

export interface CookieSettings {
  secure: boolean;
  maxAgeMs: number;
}

function base(settings: CookieSettings): CookieOptions {
  return { sameSite: 'lax', path: '/', secure: settings.secure, maxAge: settings.maxAgeMs };
}

/** `baton_session` (httpOnly) and `baton_csrf` (readable by the console's script). */
export function setSessionCookies(res: Response, sessionToken: string, csrfToken: string, settings: CookieSettings): void {
  res.cookie(SESSION_COOKIE, sessionToken, { ...base(settings), httpOnly: true });
  res.cookie(CSRF_COOKIE, csrfToken, { ...base(settings), httpOnly: false });
}

export function clearSessionCookies(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { sameSite: 'lax', path: '/', secure, httpOnly: true });
  res.clearCookie(CSRF_COOKIE, { sameSite: 'lax', path: '/', secure });
}
