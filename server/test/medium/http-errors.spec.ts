import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/poll.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ label: 'errors', env: { BODY_LIMIT_BYTES: '4096' } });
});
afterAll(async () => {
  await server?.close();
});

describe('error responses', () => {
  it('malformed JSON is a 400 MALFORMED_JSON', async () => {
    const res = await server.api.request('POST', '/apps', '{"name": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'MALFORMED_JSON', message: 'The request body is not valid JSON.' });
  });

  it('an oversized body is a 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await server.api.post('/apps', { name: 'big', description: 'x'.repeat(10_000) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a JSON array or scalar body is a 400, not a 500', async () => {
    for (const body of ['[]', '"text"', '42', 'null']) {
      const res = await server.api.request('POST', '/apps', body, { 'content-type': 'application/json' });
      expect(res.status, body).toBe(400);
    }
  });

  it('a body that is not JSON at all is rejected by validation', async () => {
    const res = await server.api.request('POST', '/apps', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('an unknown route is a 404 ROUTE_NOT_FOUND that points to the docs', async () => {
    const res = await server.api.get('/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROUTE_NOT_FOUND');
    expect(res.body.message).toContain('/api/docs');
  });

  it('an out-of-range numeric id is a 400, and the error body never carries a stack or SQL', async () => {
    const res = await server.api.get('/jobs/99999999999999999999999');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_ID');
    expect(JSON.stringify(res.body)).not.toMatch(/SELECT|at \w+ \(|\.ts:\d+/);
  });

  it('health endpoints answer outside /api/v1', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Ready once the node's first heartbeat after listening registered it (test servers listen on port 0).
    const ready = await waitFor(async () => {
      const res = await fetch(`${server.url}/readyz`);
      return res.status === 200 && res;
    }, { message: '/readyz answers 200' });
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', schema: 'ok', node: 'ok' } });
  });
});

describe('OpenAPI', () => {
  it('documents every route with a summary, at /api/docs', async () => {
    const res = await fetch(`${server.url}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, { summary?: string }>> };
    const expected = [
      'post /api/v1/apps',
      'get /api/v1/apps',
      'get /api/v1/apps/{app}',
      'patch /api/v1/apps/{app}',
      'delete /api/v1/apps/{app}',
      'post /api/v1/apps/{app}/rotate-token',
      'post /api/v1/jobs',
      'get /api/v1/jobs',
      'get /api/v1/jobs/{job}',
      'patch /api/v1/jobs/{job}',
      'delete /api/v1/jobs/{job}',
      'post /api/v1/jobs/{job}/enable',
      'post /api/v1/jobs/{job}/disable',
      'post /api/v1/jobs/{job}/copy',
      'get /api/v1/jobs/{job}/next-fire-times',
      'post /api/v1/schedules/preview',
      'get /api/v1/cluster',
      'get /api/v1/runs',
      'get /api/v1/runs/{id}',
      'get /api/v1/runs/{id}/logs',
      'post /api/v1/runs/{id}/kill',
      'get /api/v1/executors',
      'post /api/v1/executors/{instanceId}/drain',
      'post /api/v1/jobs/{job}/trigger',
      'post /api/v1/jobs/{job}/trigger-batch',
      'post /api/v1/runs/{id}/cancel',
    ];
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => [`${m} ${path}`, op.summary] as const));
    for (const route of expected) {
      const found = documented.find(([r]) => r === route);
      expect(found, route).toBeDefined();
      expect(found![1], `${route} summary`).toBeTruthy();
    }
    const html = await fetch(`${server.url}/api/docs`);
    expect(html.status).toBe(200);
  });
});
