import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDto } from '@baton/protocol';
import { newApp, newJob, uniqueName } from '../support/builders.js';
import { discoverRoutes, type DiscoveredRoute } from '../support/routes.js';
import { sql } from '../support/sql.js';
import { adminClient, type ApiClient, type TestServer, startTestServer } from '../support/test-server.js';

/**
 * Sends random and malformed path ids, query strings and bodies to every route, as the admin
 * (who gets furthest) and anonymously on public routes. No answer may be a 5xx, and a rejected
 * request (4xx) must leave every table of user data exactly as it was.
 */

/** Tables a rejected request must not change (sessions, login attempts and the audit log legitimately do). */
const DATA_TABLES = ['apps', 'jobs', 'job_dependencies', 'runs', 'run_log_chunks', 'users', 'user_app_grants', 'api_keys', 'api_key_apps', 'alert_channels', 'job_alert_channels', 'setup_tokens'];

/** Routes that end the fuzzing caller's own session are fuzzed anonymously only. */
const ANONYMOUS_ONLY = new Set(['POST /auth/logout']);

const FIELDS = [
  'app', 'name', 'handler', 'schedule', 'type', 'expression', 'timezone', 'version', 'params', 'delay', 'runAt', 'idempotencyKey', 'requests', 'ids', 'job',
  'status', 'limit', 'cursor', 'email', 'password', 'role', 'apps', 'scopes', 'expiresAt', 'config', 'channels', 'enabled', 'description', 'retry', 'children',
  'graceMs', 'waitMs', 'from', 'to', 'bucket', 'dead', 'triggerType', 'count', 'currentPassword', 'newPassword', 'displayName', 'disabled', 'token', 'url', 'q',
  'misfirePolicy', 'routing', 'blockStrategy', 'timeoutMs', 'owner', 'afterSeq', 'actorType', 'action', 'targetId', 'kind', 'channel',
];

const NASTY = [
  '', ' ', '0', '-1', '1.5', '1e308', '18446744073709551615', '18446744073709551616', '99999999999999999999999999', 'null', 'true', '[]', '{}', '%', '%00', '../..',
  'a:b', ':', 'a:', ':b', '\u0000', '😀', "' OR 1=1 --", '<script>alert(1)</script>', 'x'.repeat(3000), 'P1D', '-P1D', 'PT0S', '2026-13-45T99:99:99Z', '* * * * * ?',
];

let server: TestServer;
let admin: ApiClient;
let validRefs: string[] = [];

const text = fc.oneof(fc.constantFrom(...NASTY), fc.string(), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer().map(String), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String));
const json = fc.jsonValue({ maxDepth: 3 });

/** Built after the fixtures exist, so valid ids and keys are mixed into the noise. */
function arbitraries() {
  const known = fc.constantFrom(...validRefs);
  const pathValue = fc.oneof(text, known);
  const fieldValue = fc.oneof(json, text, known, fc.array(fc.oneof(text, json), { maxLength: 4 }));
  const body = fc.oneof(
    json,
    fc.dictionary(fc.constantFrom(...FIELDS), fieldValue, { maxKeys: 6 }),
    // Malformed JSON text, sent raw with content-type application/json.
    fc.constantFrom('{', '{"a":', 'not json', '[1,2', '"unterminated', '{"app": undefined}', '\u0000').map((raw) => ({ raw })),
  );
  const query = fc.dictionary(fc.constantFrom(...FIELDS, 'x'), text, { maxKeys: 4 });
  return { pathValue, body, query };
}

async function digest(): Promise<string> {
  const rows = await sql<{ Table: string; Checksum: string | number | null }>(server.db.url, `CHECKSUM TABLE ${DATA_TABLES.join(', ')}`);
  return rows.map((r) => `${r.Table}=${r.Checksum}`).join(' ');
}

function pathOf(route: DiscoveredRoute, values: string[]): string {
  let i = 0;
  const filled = route.path.replace(/:[A-Za-z]+/g, () => encodeURIComponent(values[i++] ?? 'x'));
  return route.api ? filled : `${server.url}${filled}`;
}

async function fuzzRoute(client: ApiClient, route: DiscoveredRoute, runs: number): Promise<void> {
  const params = (route.path.match(/:[A-Za-z]+/g) ?? []).length;
  const arb = arbitraries();
  await fc.assert(
    fc.asyncProperty(fc.array(arb.pathValue, { minLength: params, maxLength: params }), arb.query, arb.body, async (values, query, body) => {
      const qs = new URLSearchParams(query).toString();
      const url = `${pathOf(route, values)}${qs ? `?${qs}` : ''}`;
      const before = await digest();
      const raw = body !== null && typeof body === 'object' && 'raw' in body && Object.keys(body).length === 1;
      const payload = route.method === 'GET' ? undefined : raw ? (body as { raw: string }).raw : JSON.stringify(body);
      const res = await client.request(route.method, url, payload);
      expect(res.status, `${route.method} ${url} ${String(payload).slice(0, 300)} → ${String(JSON.stringify(res.body)).slice(0, 300)}`).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.body, `${route.key}: a rejection says what to fix`).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        expect(await digest(), `${route.method} ${url} was rejected (${res.status}) but changed stored data`).toBe(before);
      }
    }),
    { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
  );
}

beforeAll(async () => {
  server = await startTestServer({ label: 'fuzz' });
  // Not the relogin client: a re-sign-in writes users.last_login_at between two digests.
  admin = adminClient(server.api.baseUrl);
  const app = await newApp(server.api);
  const job = await newJob(server.api, { app: app.name, schedule: { type: 'NONE', expression: null } as never });
  const run = (await server.api.post<RunDto>(`/jobs/${job.id}/trigger`, { delay: 'P1D' })).body;
  const channel = (await server.api.post('/alert-channels', { name: uniqueName('ch'), type: 'WEBHOOK', config: { url: 'http://127.0.0.1:9/hook' } })).body;
  const user = (await server.api.post('/users', { email: `${uniqueName('v')}@x.test`, password: 'a-long-enough-password', role: 'viewer', apps: [app.name] })).body;
  const key = (await server.api.post('/api-keys', { name: uniqueName('k'), scopes: ['read'], apps: [app.name] })).body;
  validRefs = [app.id, app.name, job.id, `${app.name}:${job.name}`, run.id, channel.id, channel.name, user.id, key.id];
  await admin.signIn();
}, 60_000);

afterAll(async () => server?.close());

describe('fuzzing every route', () => {
  it('finds routes to fuzz', () => {
    expect(discoverRoutes(server.app).length).toBeGreaterThan(40);
  });

  it('never answers 5xx, and a rejection changes nothing (admin)', { timeout: 240_000 }, async () => {
    for (const route of discoverRoutes(server.app)) {
      if (ANONYMOUS_ONLY.has(route.key)) continue;
      await fuzzRoute(admin, route, route.path.startsWith('/auth') ? 8 : 20);
    }
  });

  it('never answers 5xx, and a rejection changes nothing (anonymous)', { timeout: 120_000 }, async () => {
    for (const route of discoverRoutes(server.app)) await fuzzRoute(admin.anonymous(), route, 5);
  });
});
