import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunDto, RunStatus } from '@baton/protocol';
import { BatonApiError, BatonRequestError, BatonTimeoutError, createClient } from '../src/index.js';

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}
interface Reply {
  status?: number;
  json?: unknown;
  /** Sent as is, instead of json. */
  raw?: string;
  /** Answer after this long (a long poll, or a stalled server). */
  delayMs?: number;
}

let server: Server;
let url: string;
let seen: Seen[];
let reply: (req: Seen) => Reply;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      const rec: Seen = { method: req.method!, path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body: text ? JSON.parse(text) : undefined };
      seen.push(rec);
      const r = reply(rec);
      setTimeout(() => {
        if (res.destroyed) return;
        const body = r.raw ?? JSON.stringify(r.json ?? {});
        res.writeHead(r.status ?? 200, { 'content-type': r.raw === undefined ? 'application/json' : 'text/html' }).end(body);
      }, r.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen = [];
  reply = () => ({ json: run() });
});

function run(overrides: Partial<RunDto> = {}): RunDto {
  return {
    id: '9071', jobId: '7', jobKey: 'billing:close-order', appId: '1', triggerType: 'API', status: 'SCHEDULED', statusReason: null, attempt: 1,
    rootRunId: null, parentRunId: null, shard: { index: 0, total: 1 }, params: { orderId: 42 }, executorId: null, dispatchCount: 0, progress: null,
    result: null, error: null, dead: false, createdAt: '2026-11-21T10:00:00.000Z', scheduledAt: '2026-11-21T10:30:00.000Z', fireTime: null,
    dispatchedAt: null, ackedAt: null, startedAt: null, finishedAt: null, leaseUntil: null, killRequestedAt: null, plannedEpoch: null,
    updatedAt: '2026-11-21T10:00:00.000Z', ...overrides,
  };
}

describe('requests', () => {
  it('trigger POSTs the options to /jobs/:job/trigger, URL-encoding the job, with the bearer key; 202 is created, 200 is not', async () => {
    const client = createClient({ url, apiKey: 'bat_key_1' });
    reply = () => ({ status: 202, json: run() });
    const created = await client.trigger('billing:close-order', { orderId: 42 }, { delay: 'PT30M', idempotencyKey: 'close-order-42' });
    expect(created).toMatchObject({ id: '9071', status: 'SCHEDULED', created: true });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/jobs/billing%3Aclose-order/trigger',
      body: { params: { orderId: 42 }, delay: 'PT30M', idempotencyKey: 'close-order-42' },
    });
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer bat_key_1', 'content-type': 'application/json', accept: 'application/json' });

    reply = () => ({ status: 200, json: run() });
    expect((await client.trigger('billing:close-order', { orderId: 42 }, { delay: 'PT30M', idempotencyKey: 'close-order-42' })).created).toBe(false);
  });

  it('trigger sends a Date runAt as ISO, keeps null params, omits undefined ones, and sends no authorization without a key', async () => {
    const client = createClient({ url });
    await client.trigger('42', null, { runAt: new Date('2026-11-21T10:30:00Z'), shard: { index: 1, total: 3 } });
    await client.trigger('a/b c');
    expect(seen[0]).toMatchObject({ path: '/api/v1/jobs/42/trigger', body: { params: null, runAt: '2026-11-21T10:30:00.000Z', shard: { index: 1, total: 3 } } });
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[1]).toMatchObject({ path: '/api/v1/jobs/a%2Fb%20c/trigger', body: {} });
  });

  it('triggerBatch POSTs { requests } and returns the items', async () => {
    const client = createClient({ url });
    const items = [{ outcome: 'CREATED', run: run() }, { outcome: 'CONFLICT', error: { code: 'IDEMPOTENCY_CONFLICT', message: 'taken' } }];
    reply = () => ({ status: 202, json: { items } });
    const res = await client.triggerBatch('billing:close-order', [{ params: { i: 0 }, idempotencyKey: 'a' }, { delay: 60_000 }]);
    expect(res.items).toEqual(items);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/api/v1/jobs/billing%3Aclose-order/trigger-batch', body: { requests: [{ params: { i: 0 }, idempotencyKey: 'a' }, { delay: 60_000 }] } });
  });

  it('getRun, cancel, kill and listRuns use their paths and methods', async () => {
    const client = createClient({ url, apiKey: 'k' });
    expect(await client.getRun('9071')).toEqual(run());
    reply = () => ({ json: run({ status: 'CANCELLED' }) });
    expect((await client.cancel('9071')).status).toBe('CANCELLED');
    reply = () => ({ status: 202, json: run({ status: 'CANCELLED' }) });
    expect((await client.kill('9071')).status).toBe('CANCELLED');
    reply = () => ({ json: { items: [run()], nextCursor: 'c2' } });
    expect(await client.listRuns({ job: 'billing:close-order', status: 'FAILED', dead: true, limit: 10, cursor: undefined })).toEqual({ items: [run()], nextCursor: 'c2' });
    await client.listRuns();
    expect(seen.map((s) => [s.method, s.path, s.query])).toEqual([
      ['GET', '/api/v1/runs/9071', {}],
      ['POST', '/api/v1/runs/9071/cancel', {}],
      ['POST', '/api/v1/runs/9071/kill', {}],
      ['GET', '/api/v1/runs', { job: 'billing:close-order', status: 'FAILED', dead: 'true', limit: '10' }],
      ['GET', '/api/v1/runs', {}],
    ]);
    expect(seen.every((s) => s.headers.authorization === 'Bearer k' && s.body === undefined)).toBe(true);
  });

  it('accepts the url with a trailing slash, with /api/v1, or behind a proxy prefix', async () => {
    for (const u of [`${url}/`, `${url}/api/v1`, `${url}/api/v1/`]) await createClient({ url: u }).getRun('1');
    await createClient({ url: `${url}/baton/` }).getRun('1');
    expect(seen.map((s) => s.path)).toEqual(['/api/v1/runs/1', '/api/v1/runs/1', '/api/v1/runs/1', '/baton/api/v1/runs/1']);
  });

  it('uses the fetch it is given', async () => {
    const calls: string[] = [];
    const client = createClient({ url, fetch: (input, init) => (calls.push(`${init?.method} ${String(input)}`), fetch(input, init)) });
    await client.getRun('5');
    expect(calls).toEqual([`GET ${url}/api/v1/runs/5`]);
  });
});

describe('errors', () => {
  it('maps an error body to BatonApiError with status, code, message and details', async () => {
    const client = createClient({ url });
    reply = () => ({ status: 409, json: { code: 'IDEMPOTENCY_CONFLICT', message: 'The key was used with other params.', details: { runId: '12' } } });
    const err = await client.trigger('billing:x', { a: 2 }, { idempotencyKey: 'k' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatonApiError);
    expect(err).toMatchObject({
      name: 'BatonApiError', status: 409, code: 'IDEMPOTENCY_CONFLICT', message: 'The key was used with other params.', details: { runId: '12' },
      method: 'POST', url: `${url}/api/v1/jobs/billing%3Ax/trigger`,
    });

    reply = () => ({ status: 500, json: { code: 'INTERNAL_ERROR', message: 'Something went wrong.', requestId: 'req-7' } });
    await expect(client.getRun('1')).rejects.toMatchObject({ status: 500, code: 'INTERNAL_ERROR', requestId: 'req-7', details: undefined });
  });

  it('a non-Baton error body or a 2xx that is not JSON is a BatonRequestError that shows what came back', async () => {
    const client = createClient({ url });
    reply = () => ({ status: 502, raw: '<html><body>Bad Gateway</body></html>' });
    const err = await client.getRun('1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatonRequestError);
    expect(err).toMatchObject({ status: 502, method: 'GET', url: `${url}/api/v1/runs/1` });
    expect((err as Error).message).toBe(`GET ${url}/api/v1/runs/1 answered 502 without a Baton error body: <html><body>Bad Gateway</body></html>`);

    reply = () => ({ status: 200, raw: 'ok' });
    await expect(client.getRun('1')).rejects.toThrow(`GET ${url}/api/v1/runs/1 answered 200 with a body that is not JSON: ok`);
  });

  it('an unreachable server is a BatonRequestError naming the method, URL and reason', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await createClient({ url: `http://127.0.0.1:${port}` }).cancel('3').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatonRequestError);
    expect((err as Error).message).toMatch(new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/api/v1/runs/3/cancel failed: fetch failed \\(.*ECONNREFUSED`));
    expect((err as BatonRequestError).status).toBeUndefined();
  });

  it('a call that takes longer than timeoutMs is aborted with a BatonRequestError', async () => {
    reply = () => ({ json: run(), delayMs: 2_000 });
    const started = Date.now();
    const err = await createClient({ url, timeoutMs: 150 }).getRun('1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatonRequestError);
    expect((err as Error).message).toBe(`GET ${url}/api/v1/runs/1 timed out after 150 ms`);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('rejects bad arguments with a TypeError before sending anything', async () => {
    const client = createClient({ url });
    expect(() => createClient({ url: 'localhost:8080' })).toThrow(TypeError);
    expect(() => createClient({ url: 'ftp://x' })).toThrow('createClient: url must be an http(s) URL (got "ftp://x")');
    expect(() => createClient({ url, timeoutMs: 0 })).toThrow('timeoutMs must be > 0');
    expect(() => createClient({ url, timeoutMs: -1 })).toThrow(TypeError);
    expect(() => createClient({ url, apiKey: '' })).toThrow('apiKey must be a non-empty string');
    await expect(client.trigger('')).rejects.toThrow('trigger: job must be a non-empty string (got "")');
    await expect(client.trigger(42 as never)).rejects.toThrow(TypeError);
    await expect(client.trigger('j', {}, { delay: 1000, runAt: new Date() })).rejects.toThrow('trigger: give delay or runAt, not both');
    await expect(client.trigger('j', {}, { delay: -1 })).rejects.toThrow('trigger: delay must be');
    await expect(client.trigger('j', {}, { runAt: new Date('nope') })).rejects.toThrow('runAt is an invalid Date');
    await expect(client.trigger('j', {}, { shard: { index: 2, total: 2 } })).rejects.toThrow('shard must be { index, total }');
    await expect(client.trigger('j', {}, { idempotencyKey: '' })).rejects.toThrow('idempotencyKey must be a non-empty string');
    await expect(client.triggerBatch('j', [])).rejects.toThrow('triggerBatch: requests must be a non-empty array');
    await expect(client.triggerBatch('j', [{}, { delay: 1, runAt: 'x' }])).rejects.toThrow('triggerBatch: requests[1]: give delay or runAt, not both');
    await expect(client.getRun('')).rejects.toThrow('getRun: runId must be a non-empty string');
    await expect(client.waitForRun('1', { timeoutMs: Number.NaN })).rejects.toThrow('waitForRun: timeoutMs must be');
    await expect(client.cancel(undefined as never)).rejects.toThrow('cancel: runId');
    expect(seen).toEqual([]);
  });
});

describe('waitForRun', () => {
  /** Answers like the server: holds the poll for waitMs unless the scripted status is final. */
  function script(statuses: RunStatus[], { honourWait = false } = {}) {
    let i = 0;
    reply = (req) => {
      const status = statuses[Math.min(i++, statuses.length - 1)]!;
      return { json: run({ status }), delayMs: honourWait ? Number(req.query.waitMs ?? 0) : 0 };
    };
  }

  it('polls GET /runs/:id?waitMs= until the run is final, at most 30 s per call', async () => {
    script(['SCHEDULED', 'RUNNING', 'SUCCEEDED']);
    const done = await createClient({ url }).waitForRun('9071');
    expect(done.status).toBe('SUCCEEDED');
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.method === 'GET' && s.path === '/api/v1/runs/9071')).toBe(true);
    expect(seen.map((s) => Number(s.query.waitMs))).toEqual([30_000, 30_000, 30_000]);
  });

  it('asks for no more than the time left, and returns at once when the run has already ended', async () => {
    script(['RUNNING', 'FAILED']);
    expect((await createClient({ url }).waitForRun('9071', { timeoutMs: 5_000 })).status).toBe('FAILED');
    const waits = seen.map((s) => Number(s.query.waitMs));
    expect(waits[0]).toBe(5_000);
    expect(waits[1]).toBeLessThanOrEqual(4_800);
    expect(waits[1]).toBeGreaterThan(4_000);

    seen = [];
    script(['CANCELLED']);
    expect((await createClient({ url }).waitForRun('9071')).status).toBe('CANCELLED');
    expect(seen).toHaveLength(1);
  });

  it('throws BatonTimeoutError with the last seen run once the overall timeout passes', async () => {
    script(['SCHEDULED', 'SCHEDULED', 'DISPATCHED'], { honourWait: true });
    const started = Date.now();
    const err = await createClient({ url }).waitForRun('9071', { timeoutMs: 400 }).catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(BatonTimeoutError);
    expect(err).toMatchObject({ name: 'BatonTimeoutError', timeoutMs: 400, message: 'Run 9071 did not end within 400 ms (last status SCHEDULED)' });
    expect((err as BatonTimeoutError).run).toEqual(run({ status: 'SCHEDULED' }));
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(2_000);
    expect(Number(seen[0]!.query.waitMs)).toBe(400);
  });

  it('gives a long poll its wait on top of the client timeout, so it does not abort itself', async () => {
    script(['RUNNING', 'SUCCEEDED'], { honourWait: true });
    // The first poll is held 600 ms by the server, far beyond the 100 ms client timeout.
    const err = await createClient({ url, timeoutMs: 100 }).waitForRun('9071', { timeoutMs: 600 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatonTimeoutError);
    expect((err as BatonTimeoutError).run.status).toBe('RUNNING');
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(Number(seen[0]!.query.waitMs)).toBe(600);
  });

  it('with timeoutMs 0 checks once without waiting', async () => {
    script(['RUNNING']);
    await expect(createClient({ url }).waitForRun('9071', { timeoutMs: 0 })).rejects.toBeInstanceOf(BatonTimeoutError);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.query.waitMs).toBeUndefined();
  });

  it('a failed poll rejects with its own error, not a timeout', async () => {
    reply = () => ({ status: 404, json: { code: 'RUN_NOT_FOUND', message: 'Run 9071 not found.' } });
    await expect(createClient({ url }).waitForRun('9071')).rejects.toMatchObject({ name: 'BatonApiError', code: 'RUN_NOT_FOUND', status: 404 });
  });
});
