import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-error';
import { createApiClient } from './client';
import { queryString, readCookie } from './http';
import { errorText } from '../common/error-text';
import { translator } from '../i18n/i18n';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(status: number, body: unknown, calls: Call[] = []) {
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status, statusText: status === 404 ? 'Not Found' : '' });
  });
  return fn as unknown as typeof fetch;
}

const headersOf = (c: Call) => c.init.headers as Record<string, string>;

describe('API client', () => {
  it('builds paths and query strings, leaving empty filters out', async () => {
    const calls: Call[] = [];
    const api = createApiClient({ baseUrl: '/api/v1', fetch: fakeFetch(200, { items: [], nextCursor: null }, calls) });
    await api.runs.list({ app: 'billing', status: 'FAILED', job: '', cursor: undefined, limit: 50 });
    await api.jobs.get('billing:close order');
    expect(calls[0]!.url).toBe('/api/v1/runs?app=billing&status=FAILED&limit=50');
    expect(calls[1]!.url).toBe('/api/v1/jobs/billing%3Aclose%20order');
    expect(calls[0]!.init.method).toBe('GET');
  });

  it('sends the CSRF cookie value as X-CSRF-Token on unsafe requests only', async () => {
    const calls: Call[] = [];
    const api = createApiClient({ baseUrl: '/api/v1', fetch: fakeFetch(202, { id: '9' }, calls), cookies: () => 'theme=dark; baton_csrf=abc%3D123; other=x' });
    await api.runs.kill('9');
    await api.runs.get('9');
    expect(headersOf(calls[0]!)['x-csrf-token']).toBe('abc=123');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.body).toBe('{}');
    expect(headersOf(calls[1]!)['x-csrf-token']).toBeUndefined();
  });

  it('sends JSON bodies with a content type', async () => {
    const calls: Call[] = [];
    const api = createApiClient({ baseUrl: '/api/v1', fetch: fakeFetch(202, { id: '1' }, calls) });
    await api.jobs.trigger('demo:hello', { params: { name: 'Ada' } });
    expect(headersOf(calls[0]!)['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ params: { name: 'Ada' } });
  });

  it('turns an error body into an ApiError with code, message and details', async () => {
    const api = createApiClient({
      baseUrl: '/api/v1',
      fetch: fakeFetch(400, { code: 'VALIDATION_FAILED', message: 'Invalid request: name: too long', details: [{ field: 'name', message: 'too long' }] }),
    });
    const error = await api.jobs.create({ app: 'a', name: 'x'.repeat(300), handler: 'h', schedule: { type: 'NONE', expression: null } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'Invalid request: name: too long' });
    expect((error as ApiError).fieldProblems).toEqual([{ field: 'name', message: 'too long' }]);
  });

  it('copes with an error that is not a Baton error body', async () => {
    const api = createApiClient({ baseUrl: '/api/v1', fetch: fakeFetch(502, '<html>Bad gateway</html>') });
    const error = (await api.cluster.get().catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toContain('502');
  });

  it('reports a network failure as NETWORK_ERROR', async () => {
    const api = createApiClient({ baseUrl: '/api/v1', fetch: (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof fetch });
    const error = (await api.cluster.get().catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('NETWORK_ERROR');
    expect(errorText(error, translator('en'))).toMatch(/could not be reached/);
  });

  it('calls onUnauthenticated on a 401', async () => {
    const onUnauthenticated = vi.fn();
    const api = createApiClient({ baseUrl: '/api/v1', fetch: fakeFetch(401, { code: 'UNAUTHENTICATED', message: 'Sign in first' }), onUnauthenticated });
    await expect(api.jobs.list()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('answers null for an empty 204', async () => {
    const api = createApiClient({ baseUrl: '/api/v1', fetch: fakeFetch(204, undefined) });
    await expect(api.jobs.delete('1')).resolves.toBeNull();
  });
});

describe('readable errors', () => {
  const t = translator('en');
  it('shows the server message, with field problems it does not already name', () => {
    expect(errorText(new ApiError(409, 'VERSION_CONFLICT', 'The job changed since you read it (version 4 is current).'), t)).toBe('The job changed since you read it (version 4 is current).');
    expect(errorText(new ApiError(400, 'VALIDATION_FAILED', 'Invalid request', [{ field: 'retry.maxAttempts', message: 'must be at least 1' }]), t)).toBe('Invalid request (retry.maxAttempts: must be at least 1)');
  });
  it('explains 403 and 500 in words, in the chosen language', () => {
    expect(errorText(new ApiError(403, 'FORBIDDEN', 'viewer cannot trigger'), t)).toBe('Your role does not allow this. viewer cannot trigger');
    expect(errorText(new ApiError(500, 'INTERNAL_ERROR', 'x', null, 'req-7'), translator('zh-CN'))).toBe('服务器发生意外错误（请求 ID req-7）。');
  });
});

describe('http helpers', () => {
  it('reads one cookie', () => {
    expect(readCookie('a=1; baton_csrf=x%20y; b=2', 'baton_csrf')).toBe('x y');
    expect(readCookie('a=1', 'baton_csrf')).toBeNull();
  });
  it('encodes queries', () => {
    expect(queryString({ q: 'a b', n: 0, off: false, none: null })).toBe('?q=a+b&n=0&off=false');
    expect(queryString({})).toBe('');
  });
});
