import type { ApiErrorBody } from '@baton/protocol';
import { SDK_VERSION } from '../version.js';
import { BatonApiError, BatonRequestError } from './errors.js';

export type FetchFn = typeof globalThis.fetch;

export interface HttpOptions {
  /** Ends in `/api/v1`, no trailing slash. */
  baseUrl: string;
  apiKey: string | undefined;
  timeoutMs: number;
  fetch: FetchFn;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Overrides the client's timeout, e.g. for a long-polling GET. */
  timeoutMs?: number;
}

export interface HttpResponse<T> {
  status: number;
  body: T;
}

/** JSON over fetch: one timeout for the whole exchange, and every failure mapped to one of our errors. */
export class Http {
  constructor(private readonly opts: HttpOptions) {}

  async request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const url = this.opts.baseUrl + path + queryString(options.query);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': `baton-executor-sdk/${SDK_VERSION}` };
    if (this.opts.apiKey !== undefined) headers.authorization = `Bearer ${this.opts.apiKey}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }

    const timeoutMs = options.timeoutMs ?? this.opts.timeoutMs;
    const controller = new AbortController();
    // The timer also covers reading the body: a server that stalls mid-response must not hang the caller.
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    try {
      const res = await this.opts.fetch(url, { method, headers, body, signal: controller.signal });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (controller.signal.aborted) throw new BatonRequestError(`${method} ${url} timed out after ${timeoutMs} ms`, method, url, undefined, { cause: err });
      throw new BatonRequestError(`${method} ${url} failed: ${describe(err)}`, method, url, undefined, { cause: err });
    } finally {
      clearTimeout(timer);
    }

    let parsed: unknown;
    let isJson = true;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      isJson = false;
    }

    if (status >= 200 && status < 300) {
      if (!isJson) throw new BatonRequestError(`${method} ${url} answered ${status} with a body that is not JSON: ${snippet(text)}`, method, url, status);
      return { status, body: parsed as T };
    }
    if (isJson && isApiErrorBody(parsed)) {
      throw new BatonApiError(status, parsed.code, parsed.message, parsed.details, method, url, parsed.requestId);
    }
    // Not a Baton error body: most likely a proxy or a wrong `url`, so say what came back instead.
    throw new BatonRequestError(`${method} ${url} answered ${status} without a Baton error body: ${snippet(text)}`, method, url, status);
  }
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, String(value));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is in `cause`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause && cause !== err.message ? `${err.message} (${cause})` : err.message;
}

function snippet(text: string): string {
  if (text === '') return '(empty)';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
