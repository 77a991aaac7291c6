import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, JobDto } from '@baton/protocol';
import { JobsRepository } from '../../src/modules/jobs/jobs.repository.js';
import { newApp, newJob, uniqueName } from '../support/builders.js';
import { sql } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let app: AppWithTokenDto;
beforeAll(async () => {
  server = await startTestServer({ label: 'jobs' });
  app = await newApp(server.api);
});
afterAll(async () => {
  await server?.close();
});

const api = () => server.api;

describe('POST /jobs', () => {
  it('creates a cron job with defaults and plans its first fire in the future', async () => {
    const before = Date.now();
    const res = await api().post('/jobs', {
      app: app.name,
      name: 'close-unpaid',
      handler: 'order.closeUnpaid',
      schedule: { type: 'CRON', expression: '0 */5 * * * ?', timezone: 'Europe/Berlin' },
      params: { batch: 100 },
    });
    expect(res.status).toBe(201);
    const job: JobDto = res.body;
    expect(job).toMatchObject({
      key: `${app.name}:close-unpaid`,
      app: app.name,
      appId: app.id,
      handler: 'order.closeUnpaid',
      schedule: { type: 'CRON', expression: '0 */5 * * * ?', timezone: 'Europe/Berlin' },
      misfire: { policy: 'FIRE_ONCE', thresholdMs: 5000, catchUpLimit: 10 },
      routeStrategy: 'ROUND_ROBIN',
      blockStrategy: 'SERIAL',
      timeoutMs: 0,
      retry: { maxAttempts: 1, backoff: 'EXPONENTIAL', delayMs: 1000, maxDelayMs: 300000, jitter: 0.2, retryOn: ['FAILED', 'TIMED_OUT', 'LOST'] },
      params: { batch: 100 },
      children: [],
      enabled: true,
      version: 1,
    });
    const next = new Date(job.nextFireAt!).getTime();
    expect(next).toBeGreaterThan(before);
    expect(next).toBeLessThanOrEqual(before + 5 * 60_000);
    expect(new Date(next).getUTCMinutes() % 5).toBe(0);
    expect(new Date(next).getUTCSeconds()).toBe(0);
  });

  it('accepts every schedule type and plans accordingly', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const cases = [
      { schedule: { type: 'FIXED_RATE', expression: 'PT30S' }, expectNext: true },
      { schedule: { type: 'FIXED_DELAY', expression: '60000' }, expectNext: true },
      { schedule: { type: 'ONCE', expression: at }, expectNext: true },
      { schedule: { type: 'NONE', expression: null }, expectNext: false },
      { schedule: { type: 'CRON', expression: '@hourly' }, expectNext: true },
      { schedule: { type: 'CRON', expression: '*/10 * * * *' }, expectNext: true },
    ];
    for (const c of cases) {
      const job = await newJob(api(), { app: app.name, schedule: c.schedule as never });
      expect(job.schedule.timezone).toBe('UTC');
      expect(job.nextFireAt !== null).toBe(c.expectNext);
    }
    const once = await newJob(api(), { app: app.name, schedule: { type: 'ONCE', expression: at } as never });
    expect(once.nextFireAt).toBe(at);
  });

  it('a disabled job has no next fire', async () => {
    const job = await newJob(api(), { app: app.name, enabled: false });
    expect(job.enabled).toBe(false);
    expect(job.nextFireAt).toBeNull();
  });

  it.each([
    ['missing name', { name: undefined }, 'name'],
    ['bad name', { name: 'has space' }, 'name'],
    ['long name', { name: 'a'.repeat(129) }, 'name'],
    ['missing handler', { handler: undefined }, 'handler'],
    ['bad handler', { handler: 'a b' }, 'handler'],
    ['long description', { description: 'x'.repeat(513) }, 'description'],
    ['long owner', { owner: 'x'.repeat(129) }, 'owner'],
    ['missing schedule', { schedule: undefined }, 'schedule'],
    ['bad schedule type', { schedule: { type: 'HOURLY', expression: 'x' } }, 'schedule.type'],
    ['unknown schedule field', { schedule: { type: 'CRON', expression: '@daily', tz: 'UTC' } }, 'schedule.tz'],
    ['bad route strategy', { routeStrategy: 'SOMETIMES' }, 'routeStrategy'],
    ['bad block strategy', { blockStrategy: 'WAIT' }, 'blockStrategy'],
    ['negative timeout', { timeoutMs: -1 }, 'timeoutMs'],
    ['huge timeout', { timeoutMs: 8 * 86_400_000 }, 'timeoutMs'],
    ['bad misfire policy', { misfire: { policy: 'MAYBE' } }, 'misfire.policy'],
    ['catch-up limit 0', { misfire: { catchUpLimit: 0 } }, 'misfire.catchUpLimit'],
    ['retry attempts 0', { retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    ['retry jitter 2', { retry: { jitter: 2 } }, 'retry.jitter'],
    ['retry on SUCCEEDED', { retry: { retryOn: ['SUCCEEDED'] } }, 'retry.retryOn'],
    ['retry max below delay', { retry: { delayMs: 5000, maxDelayMs: 1000 } }, 'retry.maxDelayMs'],
    ['unknown field', { color: 'red' }, 'color'],
    ['enabled as string', { enabled: 'yes' }, 'enabled'],
    ['retention 0', { retentionDays: 0 }, 'retentionDays'],
    ['children not array', { children: 'x' }, 'children'],
    ['child bad condition', { children: [{ job: '1', on: 'SOMETIMES' }] }, 'children.0.on'],
    ['child unknown', { children: [{ job: 'nope:nope', on: 'SUCCESS' }] }, 'children[0].job'],
  ])('rejects %s with 400 naming the field', async (_label, patch, field) => {
    const body: Record<string, unknown> = { app: app.name, name: uniqueName('v'), handler: 'h', schedule: { type: 'CRON', expression: '@daily' }, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete body[k];
    const res = await api().post('/jobs', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it.each([
    [{ type: 'CRON', expression: '61 * * * * ?' }, 'INVALID_SCHEDULE', 'schedule.expression'],
    [{ type: 'CRON', expression: '0 0 0 30 2 ?' }, 'INVALID_SCHEDULE', 'schedule.expression'],
    [{ type: 'CRON', expression: '@daily', timezone: 'Mars/Base' }, 'INVALID_TIMEZONE', 'schedule.timezone'],
    [{ type: 'FIXED_RATE', expression: 'P1M' }, 'INVALID_SCHEDULE', 'schedule.expression'],
    [{ type: 'FIXED_RATE', expression: '10' }, 'INVALID_SCHEDULE', 'schedule.expression'],
    [{ type: 'ONCE', expression: '2020-01-01T00:00:00Z' }, 'INVALID_SCHEDULE', 'schedule.expression'],
    [{ type: 'ONCE', expression: 'tomorrow' }, 'INVALID_SCHEDULE', 'schedule.expression'],
  ])('rejects schedule %j with %s', async (schedule, code, field) => {
    const res = await api().post('/jobs', { app: app.name, name: uniqueName('s'), handler: 'h', schedule });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
    expect(res.body.details[0].field).toBe(field);
    expect(res.body.message.length).toBeGreaterThan(10);
  });

  it('rejects params over the size limit, and accepts any JSON under it', async () => {
    const big = { blob: 'x'.repeat(70_000) };
    const res = await api().post('/jobs', { app: app.name, name: uniqueName('p'), handler: 'h', schedule: { type: 'NONE', expression: null }, params: big });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('params');
    for (const params of [[1, 2, 3], 'text', 42, true, { nested: { deep: [null] } }]) {
      const job = await newJob(api(), { app: app.name, params });
      expect(job.params).toEqual(params);
    }
  });

  it('404s an unknown app and 409s a duplicate name', async () => {
    const missing = await api().post('/jobs', { app: 'no-such-app', name: 'x', handler: 'h', schedule: { type: 'NONE', expression: null } });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('APP_NOT_FOUND');
    const job = await newJob(api(), { app: app.name });
    const dup = await api().post('/jobs', { app: app.name, name: job.name, handler: 'h', schedule: { type: 'NONE', expression: null } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('JOB_NAME_TAKEN');
  });

  it('stores children and shows them by key', async () => {
    const child = await newJob(api(), { app: app.name, schedule: { type: 'NONE', expression: null } as never });
    const parent = await newJob(api(), { app: app.name, children: [{ job: child.key, on: 'SUCCESS' }, { job: child.id, on: 'SUCCESS' }] });
    expect(parent.children).toEqual([{ job: child.key, on: 'SUCCESS' }]);
  });
});

describe('GET /jobs and /jobs/:job', () => {
  it('finds a job by id and by key, and 404s or 400s bad references', async () => {
    const job = await newJob(api(), { app: app.name });
    expect((await api().get(`/jobs/${job.id}`)).body.key).toBe(job.key);
    expect((await api().get(`/jobs/${job.key}`)).body.id).toBe(job.id);
    expect((await api().get(`/jobs/${encodeURIComponent(job.key)}`)).body.id).toBe(job.id);
    expect((await api().get('/jobs/999999999')).body.code).toBe('JOB_NOT_FOUND');
    expect((await api().get(`/jobs/${app.name}:missing`)).status).toBe(404);
    expect((await api().get('/jobs/nope:missing')).status).toBe(404);
    const bad = await api().get('/jobs/not-a-ref');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_ID');
  });

  it('filters by app, enabled, schedule type and text, and pages with a cursor', async () => {
    const other = await newApp(api());
    const marker = uniqueName('needle');
    const a = await newJob(api(), { app: other.name, description: `has ${marker}` });
    const b = await newJob(api(), { app: other.name, enabled: false, schedule: { type: 'NONE', expression: null } as never });
    const c = await newJob(api(), { app: other.name, owner: marker });
    const ids = async (qs: string) => (await api().get(`/jobs?${qs}`)).body.items.map((j: JobDto) => j.id);

    expect(await ids(`app=${other.name}`)).toEqual([a.id, b.id, c.id]);
    expect(await ids(`app=${other.id}&enabled=false`)).toEqual([b.id]);
    expect(await ids(`app=${other.name}&enabled=true`)).toEqual([a.id, c.id]);
    expect(await ids(`app=${other.name}&scheduleType=NONE`)).toEqual([b.id]);
    expect(await ids(`q=${marker}`)).toEqual([a.id, c.id]);
    expect(await ids(`q=${encodeURIComponent('%')}&app=${other.name}`)).toEqual([]);

    const first = await api().get(`/jobs?app=${other.name}&limit=2`);
    expect(first.body.items).toHaveLength(2);
    const second = await api().get(`/jobs?app=${other.name}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((j: JobDto) => j.id)).toEqual([c.id]);
    expect(second.body.nextCursor).toBeNull();
  });

  it.each(['enabled=maybe', 'scheduleType=SOMETIMES', 'limit=0', 'limit=1000', 'cursor=%%%', 'app=no-such-app'])('rejects ?%s', async (qs) => {
    const res = await api().get(`/jobs?${qs}`);
    expect([400, 404]).toContain(res.status);
    expect(res.body.code).toMatch(/VALIDATION_FAILED|APP_NOT_FOUND/);
  });
});

describe('PATCH /jobs/:job', () => {
  it('updates fields, bumps the version, and keeps the planned fire when the schedule is unchanged', async () => {
    const job = await newJob(api(), { app: app.name });
    const res = await api().patch(`/jobs/${job.key}`, { version: 1, description: 'changed', retry: { maxAttempts: 3 }, misfire: { policy: 'CATCH_UP' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, description: 'changed', nextFireAt: job.nextFireAt });
    expect(res.body.retry).toMatchObject({ maxAttempts: 3, backoff: 'EXPONENTIAL', delayMs: 1000 });
    expect(res.body.misfire).toMatchObject({ policy: 'CATCH_UP', thresholdMs: 5000 });
  });

  it('refuses a stale version with 409 VERSION_CONFLICT and changes nothing', async () => {
    const job = await newJob(api(), { app: app.name });
    expect((await api().patch(`/jobs/${job.id}`, { version: 1, owner: 'alice' })).status).toBe(200);
    const stale = await api().patch(`/jobs/${job.id}`, { version: 1, owner: 'bob' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', details: { sentVersion: 1, currentVersion: 2 } });
    expect((await api().get(`/jobs/${job.id}`)).body.owner).toBe('alice');
  });

  it('lets exactly one of two concurrent updates with the same version win', async () => {
    const job = await newJob(api(), { app: app.name });
    const results = await Promise.all(['x', 'y', 'z'].map((owner) => api().patch(`/jobs/${job.id}`, { version: 1, owner })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect((await api().get(`/jobs/${job.id}`)).body.version).toBe(2);
  });

  it('the repository update is guarded: a second write with the same expected version changes nothing', async () => {
    const job = await newJob(api(), { app: app.name });
    const repo = server.app.get(JobsRepository);
    const now = new Date();
    expect(await repo.update(job.id, 1, { owner: 'first', updatedAt: now }, undefined)).toEqual({ kind: 'updated' });
    expect(await repo.update(job.id, 1, { owner: 'second', updatedAt: now }, undefined)).toEqual({ kind: 'stale' });
    expect((await api().get(`/jobs/${job.id}`)).body).toMatchObject({ owner: 'first', version: 2 });
  });

  it('requires the version', async () => {
    const job = await newJob(api(), { app: app.name });
    const res = await api().patch(`/jobs/${job.id}`, { owner: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('version');
  });

  it('re-plans from now when the schedule changes, keeping the zone when none is sent', async () => {
    const job = await newJob(api(), { app: app.name, schedule: { type: 'CRON', expression: '0 0 0 1 1 ?', timezone: 'Asia/Tokyo' } });
    const res = await api().patch(`/jobs/${job.id}`, { version: 1, schedule: { type: 'CRON', expression: '0 * * * * ?' } });
    expect(res.status).toBe(200);
    expect(res.body.schedule).toEqual({ type: 'CRON', expression: '0 * * * * ?', timezone: 'Asia/Tokyo' });
    expect(new Date(res.body.nextFireAt).getTime() - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it('rejects an app change, an invalid schedule and a taken name', async () => {
    const job = await newJob(api(), { app: app.name });
    const other = await newJob(api(), { app: app.name });
    expect((await api().patch(`/jobs/${job.id}`, { version: 1, app: 'x' })).status).toBe(400);
    expect((await api().patch(`/jobs/${job.id}`, { version: 1, schedule: { type: 'CRON', expression: 'nope' } })).body.code).toBe('INVALID_SCHEDULE');
    const taken = await api().patch(`/jobs/${job.id}`, { version: 1, name: other.name });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('JOB_NAME_TAKEN');
  });

  it('refuses a child cycle with 422, naming the cycle, and keeps the old children', async () => {
    const c = await newJob(api(), { app: app.name, schedule: { type: 'NONE', expression: null } as never });
    const b = await newJob(api(), { app: app.name, children: [{ job: c.key, on: 'SUCCESS' }] });
    const a = await newJob(api(), { app: app.name, children: [{ job: b.key, on: 'ALWAYS' }] });
    const res = await api().patch(`/jobs/${c.id}`, { version: c.version, children: [{ job: a.key, on: 'FAILURE' }] });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('JOB_DEPENDENCY_CYCLE');
    expect(res.body.details.cycle).toEqual([c.key, a.key, b.key, c.key]);
    expect((await api().get(`/jobs/${c.id}`)).body.children).toEqual([]);

    const self = await api().patch(`/jobs/${a.id}`, { version: a.version, children: [{ job: a.key, on: 'SUCCESS' }] });
    expect(self.status).toBe(422);
  });

  it('two concurrent edits cannot close a cycle together', async () => {
    const x = await newJob(api(), { app: app.name });
    const y = await newJob(api(), { app: app.name });
    const [r1, r2] = await Promise.all([
      api().patch(`/jobs/${x.id}`, { version: 1, children: [{ job: y.key, on: 'SUCCESS' }] }),
      api().patch(`/jobs/${y.id}`, { version: 1, children: [{ job: x.key, on: 'SUCCESS' }] }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 422]);
  });
});

describe('enable, disable, copy, delete', () => {
  it('disable clears the next fire; enable plans from now; both are idempotent', async () => {
    const job = await newJob(api(), { app: app.name });
    const off = await api().post(`/jobs/${job.key}/disable`);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, nextFireAt: null, version: 2 });
    expect((await api().post(`/jobs/${job.key}/disable`)).body.version).toBe(2);
    const on = await api().post(`/jobs/${job.key}/enable`);
    expect(on.body.enabled).toBe(true);
    expect(new Date(on.body.nextFireAt).getTime()).toBeGreaterThan(Date.now() - 1000);
    expect((await api().post(`/jobs/${job.key}/enable`)).body.version).toBe(3);
  });

  it('refuses to enable a ONCE job whose time has passed', async () => {
    const job = await newJob(api(), { app: app.name, enabled: false, schedule: { type: 'ONCE', expression: new Date(Date.now() + 60_000).toISOString() } as never });
    await sql(server.db.url, "UPDATE jobs SET schedule_expr = '2020-01-01T00:00:00.000Z' WHERE id = ?", [job.id]);
    const res = await api().post(`/jobs/${job.id}/enable`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_SCHEDULE');
  });

  it('copies a job disabled by default, into another app if asked', async () => {
    const child = await newJob(api(), { app: app.name, schedule: { type: 'NONE', expression: null } as never });
    const job = await newJob(api(), { app: app.name, params: { a: 1 }, timeoutMs: 5000, children: [{ job: child.key, on: 'ALWAYS' }] });
    const other = await newApp(api());
    const res = await api().post(`/jobs/${job.key}/copy`, { name: 'the-copy', app: other.name });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ key: `${other.name}:the-copy`, enabled: false, nextFireAt: null, params: { a: 1 }, timeoutMs: 5000, children: [{ job: child.key, on: 'ALWAYS' }] });
    expect((await api().post(`/jobs/${job.key}/copy`, { name: job.name })).body.code).toBe('JOB_NAME_TAKEN');
    expect((await api().post(`/jobs/${job.key}/copy`, {})).status).toBe(400);
  });

  it('refuses to delete a job that is another job\'s child, then deletes it once freed', async () => {
    const child = await newJob(api(), { app: app.name });
    const parent = await newJob(api(), { app: app.name, children: [{ job: child.key, on: 'SUCCESS' }] });
    const res = await api().delete(`/jobs/${child.key}`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'JOB_HAS_PARENTS', details: { parents: [parent.key] } });
    expect((await api().delete(`/jobs/${parent.key}`)).status).toBe(204);
    expect((await api().delete(`/jobs/${child.key}`)).status).toBe(204);
    expect((await api().get(`/jobs/${child.id}`)).status).toBe(404);
    expect((await api().delete(`/jobs/${child.id}`)).status).toBe(404);
  });
});

describe('GET /jobs/:job/next-fire-times', () => {
  it('lists the planned next fire first, in the job zone', async () => {
    const job = await newJob(api(), { app: app.name, schedule: { type: 'CRON', expression: '0 30 9 * * ?', timezone: 'America/New_York' } });
    const res = await api().get(`/jobs/${job.key}/next-fire-times?count=3`);
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('America/New_York');
    expect(res.body.fireTimes).toHaveLength(3);
    expect(new Date(res.body.fireTimes[0]).toISOString()).toBe(job.nextFireAt);
    for (const t of res.body.fireTimes) expect(t).toMatch(/T09:30:00\.000-0[45]:00$/);
  });

  it('validates count', async () => {
    const job = await newJob(api(), { app: app.name });
    expect((await api().get(`/jobs/${job.id}/next-fire-times?count=101`)).status).toBe(400);
    expect((await api().get(`/jobs/${job.id}/next-fire-times?count=x`)).status).toBe(400);
  });
});

describe('NONE schedules', () => {
  it('take no expression: null or left out, and never plan a fire', async () => {
    const app = await newApp(api());
    for (const schedule of [{ type: 'NONE' }, { type: 'NONE', expression: null }]) {
      const res = await api().post<JobDto>('/jobs', { app: app.name, name: uniqueName('api-only'), handler: 'h', schedule });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ schedule: { type: 'NONE', expression: null }, nextFireAt: null });
    }
    const bad = await api().post('/jobs', { app: app.name, name: uniqueName('cron'), handler: 'h', schedule: { type: 'CRON' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'schedule.expression' })]));
  });
});
