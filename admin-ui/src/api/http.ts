import { CSRF_COOKIE, CSRF_HEADER } from '@baton/protocol';
import { ApiError } from './api-error';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export interface HttpOptions {
  /** Prefix of every path, e.g. `/api/v1`. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Where the CSRF cookie is read from (document.cookie in the browser). */
  cookies?: () => string;
  /** Called on every 401 UNAUTHENTICATED, so the app can send the user to the login page. */
  onUnauthenticated?: () => void;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** `?a=1&b=x`, leaving out empty values; '' when nothing is left. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The one place HTTP happens: JSON in and out, CSRF header on unsafe methods, errors as ApiError. */
export class Http {
  constructor(private readonly opts: HttpOptions) {}

  async request<T>(method: string, path: string, init: { query?: Query; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (UNSAFE.has(method)) {
      const csrf = readCookie(this.opts.cookies?.() ?? '', CSRF_COOKIE);
      if (csrf) headers[CSRF_HEADER] = csrf;
    }
    const doFetch = this.opts.fetch ?? globalThis.fetch.bind(globalThis);
    let res: Response;
    try {
      res = await doFetch(`${this.opts.baseUrl}${path}${queryString(init.query)}`, {
        method,
        headers,
        credentials: 'same-origin',
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (e) {
      throw new ApiError(0, 'NETWORK_ERROR', e instanceof Error ? e.message : String(e));
    }
    const text = await res.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!res.ok) {
      const error = ApiError.fromBody(res.status, body, res.statusText);
      if (error.status === 401) this.opts.onUnauthenticated?.();
      throw error;
    }
    return body as T;
  }
}
