import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyScope, AppWithTokenDto, JobDto, RunDto, UserRole } from '@baton/protocol';
import { newApp, newJob, uniqueName } from '../support/builders.js';
import { connectRaw, handshake, type RawSocket } from '../support/raw-executor.js';
import { discoverRoutes, type DiscoveredRoute } from '../support/routes.js';
import { ApiClient, startTestServer, TEST_ADMIN, type ApiResponse, type TestServer } from '../support/test-server.js';
import { waitFor } from '../support/poll.js';

/**
 * Walks every route with every kind of caller and asserts allow or deny. A route missing from
 * ROUTES (or declaring no policy) fails the first test, so a new route must say who may call it.
 */

const CALLERS = ['anonymous', 'viewerA', 'operatorB', 'operatorA', 'admin', 'keyReadA', 'keyTriggerA', 'keyManageA'] as const;
type Caller = (typeof CALLERS)[number];

const USERS: Caller[] = ['viewerA', 'operatorB', 'operatorA', 'admin'];
const SIGNED_IN: Caller[] = CALLERS.filter((c) => c !== 'anonymous');
const READ_A: Caller[] = ['viewerA', 'operatorA', 'admin', 'keyReadA'];
const TRIGGER_A: Caller[] = ['operatorA', 'admin', 'keyTriggerA'];
const MANAGE_A: Caller[] = ['operatorA', 'admin', 'keyManageA'];
/** `anyApp` routes: the caller has the action somewhere (the result is narrowed to their apps). */
const ANY_READ: Caller[] = ['viewerA', 'operatorB', 'operatorA', 'admin', 'keyReadA'];
const ANY_MANAGE: Caller[] = ['operatorB', 'operatorA', 'admin', 'keyManageA'];
const ADMIN: Caller[] = ['admin'];
const OPERATORS: Caller[] = ['operatorB', 'operatorA', 'admin'];

interface Fixture {
  appA: AppWithTokenDto;
  appB: AppWithTokenDto;
  jobA: JobDto;
  runA: RunDto;
  instanceA: string;
  userId: string;
  channelId: string;
}

interface Call {
  path: string;
  body?: unknown;
}

interface Row {
  allowed: readonly Caller[];
  /** How a signed-in caller is refused when not 403 FORBIDDEN (ownership checks hide what is not yours). */
  deniedAs?: { status: number; code: string };
  /** Builds a fresh request per caller, so a caller that is allowed to delete does not spoil the next. */
  call: (f: Fixture) => Call | Promise<Call>;
}

let server: TestServer;
let admin: ApiClient;
let fixture: Fixture;
const clients = new Map<Caller, ApiClient>();
let executorSocket: RawSocket | undefined;

const freshJob = async (f: Fixture) => (await newJob(admin, { app: f.appA.name, schedule: { type: 'NONE', expression: null } as never })).id;
const futureRun = async (f: Fixture) => (await admin.post<RunDto>(`/jobs/${f.jobA.id}/trigger`, { delay: 'P1D' })).body.id;

const ROUTES: Record<string, Row> = {
  'GET /healthz': { allowed: CALLERS, call: () => ({ path: '/healthz' }) },
  'GET /readyz': { allowed: CALLERS, call: () => ({ path: '/readyz' }) },
  'GET /metrics': { allowed: ADMIN, call: () => ({ path: '/metrics' }) },

  'GET /auth/state': { allowed: CALLERS, call: () => ({ path: '/auth/state' }) },
  'POST /auth/setup': { allowed: CALLERS, call: () => ({ path: '/auth/setup', body: { token: 'x'.repeat(43), email: 'late@x.test', password: 'a-long-enough-password' } }) },
  'POST /auth/login': { allowed: CALLERS, call: () => ({ path: '/auth/login', body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } }) },
  'POST /auth/logout': { allowed: USERS, call: () => ({ path: '/auth/logout' }) },
  'POST /auth/password': { allowed: USERS, call: () => ({ path: '/auth/password', body: { currentPassword: 'not-the-current-password', newPassword: 'another-long-password-42' } }) },

  'GET /users': { allowed: ADMIN, call: () => ({ path: '/users' }) },
  'POST /users': { allowed: ADMIN, call: () => ({ path: '/users', body: { email: `${uniqueName('u')}@x.test`, password: 'a-long-enough-password', role: 'viewer' } }) },
  'GET /users/:id': { allowed: ADMIN, call: (f) => ({ path: `/users/${f.userId}` }) },
  'PATCH /users/:id': { allowed: ADMIN, call: (f) => ({ path: `/users/${f.userId}`, body: { displayName: 'renamed' } }) },
  'DELETE /users/:id': { allowed: ADMIN, call: async () => ({ path: `/users/${await newUserId('viewer', [])}` }) },
  'POST /users/:id/password': { allowed: ADMIN, call: (f) => ({ path: `/users/${f.userId}/password`, body: { password: 'a-reset-long-password' } }) },

  'GET /api-keys': { allowed: OPERATORS, call: () => ({ path: '/api-keys' }) },
  'POST /api-keys': { allowed: ['operatorA', 'admin'], call: (f) => ({ path: '/api-keys', body: { name: uniqueName('k'), scopes: ['read'], apps: [f.appA.name] } }) },
  // Only the admin may revoke a key someone else created; to operators it does not exist.
  'DELETE /api-keys/:id': { allowed: ADMIN, deniedAs: { status: 404, code: 'API_KEY_NOT_FOUND' }, call: async (f) => ({ path: `/api-keys/${(await newKey(['read'], [f.appA.name])).id}` }) },

  'GET /audit': { allowed: ADMIN, call: () => ({ path: '/audit' }) },

  'POST /apps': { allowed: ADMIN, call: () => ({ path: '/apps', body: { name: uniqueName('app') } }) },
  'GET /apps': { allowed: ANY_READ, call: () => ({ path: '/apps' }) },
  'GET /apps/:app': { allowed: READ_A, call: (f) => ({ path: `/apps/${f.appA.name}` }) },
  'PATCH /apps/:app': { allowed: MANAGE_A, call: (f) => ({ path: `/apps/${f.appA.name}`, body: { description: 'edited' } }) },
  'DELETE /apps/:app': { allowed: ADMIN, call: async () => ({ path: `/apps/${(await newApp(admin)).name}` }) },
  'POST /apps/:app/rotate-token': { allowed: MANAGE_A, call: (f) => ({ path: `/apps/${f.appA.name}/rotate-token`, body: { graceMs: 3_600_000 } }) },

  'POST /jobs': { allowed: MANAGE_A, call: (f) => ({ path: '/jobs', body: { app: f.appA.name, name: uniqueName('job'), handler: 'h', schedule: { type: 'NONE', expression: null } } }) },
  'GET /jobs': { allowed: ANY_READ, call: () => ({ path: '/jobs' }) },
  'GET /jobs/:job': { allowed: READ_A, call: (f) => ({ path: `/jobs/${f.jobA.id}` }) },
  'PATCH /jobs/:job': { allowed: MANAGE_A, call: async (f) => ({ path: `/jobs/${f.jobA.id}`, body: { description: 'edited', version: (await admin.get<JobDto>(`/jobs/${f.jobA.id}`)).body.version } }) },
  'DELETE /jobs/:job': { allowed: MANAGE_A, call: async (f) => ({ path: `/jobs/${await freshJob(f)}` }) },
  'POST /jobs/:job/enable': { allowed: MANAGE_A, call: (f) => ({ path: `/jobs/${f.jobA.id}/enable` }) },
  'POST /jobs/:job/disable': { allowed: MANAGE_A, call: (f) => ({ path: `/jobs/${f.jobA.id}/disable` }) },
  'POST /jobs/:job/copy': { allowed: MANAGE_A, call: (f) => ({ path: `/jobs/${f.jobA.id}/copy`, body: { name: uniqueName('copy') } }) },
  'GET /jobs/:job/next-fire-times': { allowed: READ_A, call: (f) => ({ path: `/jobs/${f.jobA.id}/next-fire-times` }) },
  'GET /jobs/:job/alerts': { allowed: READ_A, call: (f) => ({ path: `/jobs/${f.jobA.id}/alerts` }) },
  'PUT /jobs/:job/alerts': { allowed: MANAGE_A, call: (f) => ({ path: `/jobs/${f.jobA.id}/alerts`, body: { channels: [] } }) },
  'POST /jobs/:job/trigger': { allowed: TRIGGER_A, call: (f) => ({ path: `/jobs/${f.jobA.id}/trigger`, body: { delay: 'P1D' } }) },
  'POST /jobs/:job/trigger-batch': { allowed: TRIGGER_A, call: (f) => ({ path: `/jobs/${f.jobA.id}/trigger-batch`, body: { requests: [{ delay: 'P1D' }] } }) },

  'GET /runs': { allowed: ANY_READ, call: () => ({ path: '/runs' }) },
  'GET /runs/:id': { allowed: READ_A, call: (f) => ({ path: `/runs/${f.runA.id}` }) },
  'GET /runs/:id/logs': { allowed: READ_A, call: (f) => ({ path: `/runs/${f.runA.id}/logs` }) },
  'GET /runs/:id/children': { allowed: READ_A, call: (f) => ({ path: `/runs/${f.runA.id}/children` }) },
  'POST /runs/:id/cancel': { allowed: TRIGGER_A, call: async (f) => ({ path: `/runs/${await futureRun(f)}/cancel` }) },
  'POST /runs/:id/kill': { allowed: MANAGE_A, call: async (f) => ({ path: `/runs/${await futureRun(f)}/kill` }) },
  'POST /runs/:id/retry': { allowed: MANAGE_A, call: (f) => ({ path: `/runs/${f.runA.id}/retry` }) },
  'POST /runs/retry': { allowed: ANY_MANAGE, call: (f) => ({ path: '/runs/retry', body: { app: f.appA.name } }) },

  'GET /executors': { allowed: ANY_READ, call: () => ({ path: '/executors' }) },
  'POST /executors/:instanceId/drain': { allowed: MANAGE_A, call: (f) => ({ path: `/executors/${f.instanceA}/drain` }) },

  'GET /cluster': { allowed: SIGNED_IN, call: () => ({ path: '/cluster' }) },
  'POST /schedules/preview': { allowed: SIGNED_IN, call: () => ({ path: '/schedules/preview', body: { type: 'CRON', expression: '0 * * * * ?' } }) },
  'GET /stats': { allowed: ANY_READ, call: () => ({ path: '/stats' }) },
  'GET /alerts': { allowed: ANY_READ, call: () => ({ path: '/alerts' }) },

  'POST /alert-channels': { allowed: ADMIN, call: () => ({ path: '/alert-channels', body: { name: uniqueName('ch'), type: 'WEBHOOK', config: { url: 'http://127.0.0.1:9/hook' } } }) },
  'GET /alert-channels': { allowed: USERS, call: () => ({ path: '/alert-channels' }) },
  'GET /alert-channels/:channel': { allowed: USERS, call: (f) => ({ path: `/alert-channels/${f.channelId}` }) },
  'PATCH /alert-channels/:channel': { allowed: ADMIN, call: async (f) => ({ path: `/alert-channels/${f.channelId}`, body: { enabled: true, version: (await admin.get(`/alert-channels/${f.channelId}`)).body.version } }) },
  'DELETE /alert-channels/:channel': { allowed: ADMIN, call: async () => ({ path: `/alert-channels/${await newChannelId()}` }) },
  'POST /alert-channels/:channel/test': { allowed: ADMIN, call: (f) => ({ path: `/alert-channels/${f.channelId}/test` }) },
};

async function newUserId(role: UserRole, apps: string[], password = 'a-long-enough-password'): Promise<string> {
  const res = await admin.post('/users', { email: `${uniqueName(role)}@x.test`, password, role, apps });
  if (res.status !== 201) throw new Error(`user: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

async function newKey(scopes: ApiKeyScope[], apps: string[]): Promise<{ id: string; key: string }> {
  const res = await admin.post('/api-keys', { name: uniqueName('key'), scopes, apps });
  if (res.status !== 201) throw new Error(`key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function newChannelId(): Promise<string> {
  const res = await admin.post('/alert-channels', { name: uniqueName('ch'), type: 'WEBHOOK', config: { url: 'http://127.0.0.1:9/hook' } });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

async function signedInUser(role: UserRole, apps: string[]): Promise<ApiClient> {
  const password = 'a-long-enough-password';
  const id = await newUserId(role, apps, password);
  const email = (await admin.get(`/users/${id}`)).body.email as string;
  // relogin: the logout and password rows end or spoil this caller's session.
  return new ApiClient(admin.baseUrl, { kind: 'user', email, password }, true);
}

function send(client: ApiClient, route: DiscoveredRoute, call: Call): Promise<ApiResponse> {
  const url = route.api ? call.path : `${server.url}${call.path}`;
  return client.request(route.method, url, call.body ?? (route.method === 'GET' || route.method === 'DELETE' ? undefined : {}));
}

beforeAll(async () => {
  server = await startTestServer({ label: 'access' });
  admin = server.api;
  const appA = await newApp(admin);
  const appB = await newApp(admin);
  const jobA = await newJob(admin, { app: appA.name, schedule: { type: 'NONE', expression: null } as never });
  const runA = (await admin.post<RunDto>(`/jobs/${jobA.id}/trigger`, { delay: 'P1D' })).body;
  const hs = handshake(appA.name, appA.token);
  executorSocket = (await connectRaw(server.url, hs)).socket;
  await waitFor(async () => (await admin.get(`/executors?app=${appA.name}`)).body.length === 1, { message: 'the executor registers' });
  fixture = { appA, appB, jobA, runA, instanceA: hs.instanceId, userId: await newUserId('viewer', [appB.name]), channelId: await newChannelId() };
  clients.set('anonymous', admin.anonymous());
  clients.set('admin', admin);
  clients.set('viewerA', await signedInUser('viewer', [appA.name]));
  clients.set('operatorA', await signedInUser('operator', [appA.name]));
  clients.set('operatorB', await signedInUser('operator', [appB.name]));
  clients.set('keyReadA', admin.as({ kind: 'apiKey', key: (await newKey(['read'], [appA.name])).key }));
  clients.set('keyTriggerA', admin.as({ kind: 'apiKey', key: (await newKey(['trigger'], [appA.name])).key }));
  clients.set('keyManageA', admin.as({ kind: 'apiKey', key: (await newKey(['manage'], [appA.name])).key }));
}, 60_000);

afterAll(async () => {
  executorSocket?.close();
  await server?.close();
});

describe('route policies', () => {
  it('every route declares a policy and has a row here', () => {
    const routes = discoverRoutes(server.app);
    expect(routes.filter((r) => !r.policy).map((r) => r.key)).toEqual([]);
    expect(routes.map((r) => r.key).sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('a route whose controller forgot a policy is closed (fail closed, not open)', async () => {
    // The guard refuses before the handler; every discovered route has a policy, so prove it on the guard itself.
    const { AccessGuard } = await import('../../src/modules/access/access.guard.js');
    const { ResourceAppsRepository } = await import('../../src/modules/access/resource-apps.repository.js');
    const { Authenticator } = await import('../../src/modules/auth/authenticator.js');
    const { Reflector } = await import('@nestjs/core');
    const guard = new AccessGuard(server.app.get(Reflector), server.app.get(Authenticator, { strict: false }), server.app.get(ResourceAppsRepository, { strict: false }));
    const ctx = {
      getType: () => 'http',
      getClass: () => class Unlisted {},
      getHandler: () => function unlisted() {},
      switchToHttp: () => ({ getRequest: () => ({ method: 'GET', path: '/x', headers: {}, params: {}, query: {} }) }),
    };
    await expect(guard.canActivate(ctx as never)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe.each(Object.keys(ROUTES))('%s', (key) => {
  it.each(CALLERS)('as %s', async (caller) => {
    const row = ROUTES[key]!;
    const route = discoverRoutes(server.app).find((r) => r.key === key)!;
    expect(route, `route ${key} exists`).toBeDefined();
    const res = await send(clients.get(caller)!, route, await row.call(fixture));
    const code = (res.body as { code?: string } | undefined)?.code;
    if (row.allowed.includes(caller)) {
      expect([401, 403].includes(res.status) && ['UNAUTHENTICATED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID'].includes(code ?? ''), `${caller} may call ${key}: got ${res.status} ${JSON.stringify(res.body)}`).toBe(false);
      expect(res.status, `${caller} on ${key}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
    } else if (caller === 'anonymous') {
      expect({ status: res.status, code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    } else if (row.deniedAs && OPERATORS.includes(caller)) {
      expect({ status: res.status, code }, `${caller} must not call ${key}: ${JSON.stringify(res.body)}`).toEqual(row.deniedAs);
    } else {
      expect({ status: res.status, code }, `${caller} must not call ${key}: ${JSON.stringify(res.body)}`).toEqual({ status: 403, code: 'FORBIDDEN' });
    }
  });
});

describe('lists show only the caller\'s apps', () => {
  it('an operator of B sees B\'s jobs and runs, never A\'s', async () => {
    const jobB = await newJob(admin, { app: fixture.appB.name, schedule: { type: 'NONE', expression: null } as never });
    const opB = clients.get('operatorB')!;
    const jobs = (await opB.get<{ items: JobDto[] }>('/jobs?limit=200')).body.items;
    expect(jobs.map((j) => j.id)).toContain(jobB.id);
    expect(jobs.filter((j) => j.app === fixture.appA.name)).toEqual([]);
    expect((await opB.get<{ items: RunDto[] }>(`/runs?app=${fixture.appA.name}`)).body.items).toEqual([]);
    const apps = await opB.get<{ items: Array<{ name: string }> }>('/apps');
    expect(apps.status, JSON.stringify(apps.body)).toBe(200);
    expect(apps.body.items.map((a) => a.name)).toEqual([fixture.appB.name]);
    expect((await opB.get<unknown[]>('/executors')).body).toEqual([]);
    expect((await opB.get(`/stats?app=${fixture.appA.name}`)).body.code).toBe('FORBIDDEN');
  });

  it('bulk retry by ids skips runs of other apps as unknown', async () => {
    const res = await clients.get('operatorB')!.post('/runs/retry', { ids: [fixture.runA.id] });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ retried: [], skipped: [{ runId: fixture.runA.id, reason: 'no such run' }] });
  });
});

describe('docs', () => {
  it('docs/api.md lists every route with the policy it declares', async () => {
    const { readFileSync } = await import('node:fs');
    const { describeRule } = await import('../../src/modules/auth/route-policy.js');
    const path = new URL('../../../docs/api.md', import.meta.url);
    const doc = readFileSync(path, 'utf8');
    const table = [
      '| route | who may call it |',
      '| --- | --- |',
      ...discoverRoutes(server.app).map((r) => `| \`${r.method} ${r.api ? '/api/v1' : ''}${r.path}\` | ${describeRule(r.policy!.allow)} |`),
    ].join('\n');
    const current = /<!-- permissions:start -->\n([\s\S]*?)<!-- permissions:end -->/.exec(doc)?.[1]?.trim();
    if (process.env.UPDATE_DOCS === '1') {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path, doc.replace(/<!-- permissions:start -->\n[\s\S]*?<!-- permissions:end -->/, `<!-- permissions:start -->\n${table}\n<!-- permissions:end -->`));
      return;
    }
    expect(current, 'run this test with UPDATE_DOCS=1 to regenerate the table').toBe(table);
  });
});

describe('audit of what callers change', () => {
  it('records who changed a job, triggered it and killed a run, from where; refused calls leave nothing', async () => {
    const operator = clients.get('operatorA')!;
    const email = (operator.credentials as { email: string }).email;
    const job = await newJob(admin, { app: fixture.appA.name, schedule: { type: 'NONE', expression: null } as never });
    expect((await clients.get('viewerA')!.patch(`/jobs/${job.id}`, { description: 'nope', version: job.version })).status).toBe(403);
    expect((await operator.patch(`/jobs/${job.id}`, { description: 'audited', version: job.version })).status).toBe(200);
    const run = (await clients.get('keyTriggerA')!.post<RunDto>(`/jobs/${job.id}/trigger`, { delay: 'P1D', params: { order: 42 } })).body;
    expect((await operator.post(`/runs/${run.id}/kill`)).status).toBe(202);

    const entries = async (query: string) => (await admin.get<{ items: any[] }>(`/audit?${query}&limit=200`)).body.items;
    const updates = (await entries(`action=job.update&targetType=job&targetId=${job.id}`));
    expect(updates).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ type: 'user', name: email }), target: { type: 'job', id: job.id }, ip: expect.stringMatching(/127\.0\.0\.1/), details: expect.objectContaining({ request: expect.objectContaining({ description: 'audited' }) }) }),
    ]);
    const triggers = await entries(`action=job.trigger&targetType=job&targetId=${job.id}`);
    expect(triggers).toEqual([expect.objectContaining({ actor: expect.objectContaining({ type: 'api_key' }), details: expect.objectContaining({ resultId: run.id }) })]);
    expect(await entries(`action=run.kill&targetType=run&targetId=${run.id}`)).toEqual([expect.objectContaining({ actor: expect.objectContaining({ name: email }) })]);
  });
});

describe('the /console live feed', () => {
  const connect = (headers: Record<string, string>) => {
    const socket = io(`${server.url}/console`, { transports: ['websocket'], reconnection: false, extraHeaders: headers });
    return new Promise<typeof socket>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  };

  it('refuses anonymous sockets at the handshake', async () => {
    await expect(connect({})).rejects.toThrow(/UNAUTHENTICATED/);
  });

  it('lets a caller follow only runs of apps they may read', async () => {
    const operatorB = new ApiClient(admin.baseUrl, clients.get('operatorB')!.credentials);
    const socket = await connect({ cookie: (await operatorB.signIn()).cookie });
    try {
      expect(await socket.timeout(5000).emitWithAck('run.follow.v1', { runId: fixture.runA.id })).toEqual({ ok: false, error: expect.stringMatching(/may not read/) });
    } finally {
      socket.close();
    }
    const viewer = new ApiClient(admin.baseUrl, clients.get('viewerA')!.credentials);
    const allowed = await connect({ cookie: (await viewer.signIn()).cookie });
    try {
      expect(await allowed.timeout(5000).emitWithAck('run.follow.v1', { runId: fixture.runA.id })).toEqual({ ok: true });
    } finally {
      allowed.close();
    }
  });
});
