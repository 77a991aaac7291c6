import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, JobDto, RunDto, TriggerBatchResponse } from '@baton/protocol';
import { DataSource } from 'typeorm';
import { DatabaseInfo } from '../../src/database/database-info.js';
import { TriggersRepository } from '../../src/modules/triggers/triggers.repository.js';
import { newApp, newJob } from '../support/builders.js';
import { waitFor } from '../support/poll.js';
import { connectRaw, handshake, onDispatch, type RawSocket } from '../support/raw-executor.js';
import { sql } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let app: AppWithTokenDto;
let job: JobDto;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    label: 'triggers',
    env: { LEADER_LEASE_TTL_MS: '3000', LEADER_RENEW_INTERVAL_MS: '300', DISPATCH_POLL_MS: '50', RECOVERY_INTERVAL_MS: '200', EXECUTOR_HEARTBEAT_INTERVAL_MS: '500' },
  });
  app = await newApp(server.api);
  job = await newJob(server.api, { app: app.name, handler: 'order.close', params: { dflt: true }, schedule: { type: 'NONE', expression: null } as never });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

const trigger = (body: object, ref = job.key) => server.api.post(`/jobs/${ref}/trigger`, body);
const near = (iso: string, expected: number, slackMs = 1500) => Math.abs(Date.parse(iso) - expected) < slackMs;

describe('POST /jobs/:job/trigger', () => {
  it('creates a SCHEDULED API run due now, with the job\'s params unless given', async () => {
    const res = await trigger({});
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'SCHEDULED', triggerType: 'API', jobKey: job.key, attempt: 1, params: { dflt: true }, shard: { index: 0, total: 1 } });
    expect(near(res.body.scheduledAt, Date.now())).toBe(true);
    expect((await trigger({ params: { orderId: 42 } })).body.params).toEqual({ orderId: 42 });
    expect((await trigger({ params: null })).body.params).toBeNull();
  });

  it('schedules by runAt or delay (milliseconds or ISO 8601), and a past runAt means now', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    expect((await trigger({ runAt: at })).body.scheduledAt).toBe(at);
    expect(near((await trigger({ runAt: '2020-01-01T00:00:00Z' })).body.scheduledAt, Date.now())).toBe(true);
    expect(near((await trigger({ delay: 1_800_000 })).body.scheduledAt, Date.now() + 1_800_000)).toBe(true);
    expect(near((await trigger({ delay: 'PT30M' })).body.scheduledAt, Date.now() + 1_800_000)).toBe(true);
    expect(near((await trigger({ delay: '5000' })).body.scheduledAt, Date.now() + 5000)).toBe(true);
  });

  it.each([
    [{ runAt: 'soon' }, 'runAt'],
    [{ runAt: new Date(Date.now() + 60_000).toISOString(), delay: 1000 }, 'runAt'],
    [{ runAt: new Date(Date.now() + 400 * 86_400_000).toISOString() }, 'runAt'],
    [{ delay: -5 }, 'delay'],
    [{ delay: 1.5 }, 'delay'],
    [{ delay: 'P1M' }, 'delay'],
    [{ delay: 'later' }, 'delay'],
    [{ delay: true }, 'delay'],
    [{ idempotencyKey: 'has space' }, 'idempotencyKey'],
    [{ idempotencyKey: 'x'.repeat(129) }, 'idempotencyKey'],
    [{ idempotencyKey: 'child-of:12' }, 'idempotencyKey'],
    [{ shard: { index: 3, total: 3 } }, 'shard.index'],
    [{ shard: { index: 0 } }, 'shard.total'],
    [{ params: { big: 'x'.repeat(70_000) } }, 'params'],
    [{ extra: 1 }, 'extra'],
  ])('rejects body #%# with 400 naming %1$s', async (body, field) => {
    const res = await trigger(body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('404s an unknown job, and triggers a disabled job on request', async () => {
    expect((await trigger({}, `${app.name}:nope`)).body.code).toBe('JOB_NOT_FOUND');
    const off = await newJob(server.api, { app: app.name, enabled: false });
    expect((await trigger({}, off.key)).status).toBe(202);
  });
});

describe('idempotency', () => {
  it('the same key with the same params returns the same run (200), once, even when called concurrently', async () => {
    const body = { idempotencyKey: 'close-order-42', params: { orderId: 42, reason: 'unpaid' }, delay: 'PT30M' };
    const first = await trigger(body);
    expect(first.status).toBe(202);
    const again = await trigger({ ...body, params: { reason: 'unpaid', orderId: 42 } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const burst = await Promise.all(Array.from({ length: 8 }, () => trigger({ idempotencyKey: 'burst-1', params: { n: 1 } })));
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    expect(burst.filter((r) => r.status === 202)).toHaveLength(1);
    const rows = await sql(server.db.url, "SELECT COUNT(*) AS n FROM runs WHERE idempotency_key IN ('close-order-42', 'burst-1')");
    expect(Number(rows[0].n)).toBe(2);
  });

  it('the same key with other params is a 409 that names the earlier run; another job may use the key', async () => {
    const first = await trigger({ idempotencyKey: 'k-conflict', params: { a: 1 } });
    const clash = await trigger({ idempotencyKey: 'k-conflict', params: { a: 2 } });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', details: { runId: first.body.id } });
    const other = await newJob(server.api, { app: app.name });
    expect((await trigger({ idempotencyKey: 'k-conflict', params: { a: 2 } }, other.key)).status).toBe(202);
  });
});

describe('POST /jobs/:job/trigger-batch', () => {
  it('answers each request in order: created, existing, conflict', async () => {
    await trigger({ idempotencyKey: 'batch-old', params: { v: 1 } });
    const res = await server.api.post<TriggerBatchResponse>(`/jobs/${job.key}/trigger-batch`, {
      requests: [
        { idempotencyKey: 'batch-a', params: { i: 0 } },
        { idempotencyKey: 'batch-a', params: { i: 0 } },
        { idempotencyKey: 'batch-old', params: { v: 2 } },
        { params: { i: 3 }, delay: 60_000 },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.items.map((i) => i.outcome)).toEqual(['CREATED', 'EXISTING', 'CONFLICT', 'CREATED']);
    expect(res.body.items[1]!.run!.id).toBe(res.body.items[0]!.run!.id);
    expect(res.body.items[2]!.error!.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(res.body.items[3]!.run!.params).toEqual({ i: 3 });
  });

  it('takes 1,000 requests in one call', async () => {
    const requests = Array.from({ length: 1000 }, (_, i) => ({ params: { i }, idempotencyKey: `bulk-${i}`, delay: 3_600_000 }));
    const res = await server.api.post<TriggerBatchResponse>(`/jobs/${job.key}/trigger-batch`, { requests });
    expect(res.status).toBe(202);
    expect(res.body.items.every((i) => i.outcome === 'CREATED')).toBe(true);
    expect(new Set(res.body.items.map((i) => i.run!.id)).size).toBe(1000);
    expect(res.body.items.map((i) => (i.run!.params as { i: number }).i)).toEqual(requests.map((r) => r.params.i));
  });

  it('maps each request to its own run also where batch ids are not consecutive (innodb_autoinc_lock_mode 2)', async () => {
    const repo = new TriggersRepository(server.app.get(DataSource), new DatabaseInfo('mysql', false));
    const rows = [0, 1, 2, 3].map((i) => ({ jobId: job.id, appId: job.appId, triggerType: 'API' as const, scheduledAt: new Date(Date.now() + 3_600_000), shardIndex: 0, shardTotal: 1, params: JSON.stringify({ i }), idempotencyKey: i === 2 ? 'rowwise-2' : null }));
    const results = await repo.insertMany(rows, new Date());
    expect(results.map((r) => r.kind)).toEqual(['created', 'created', 'created', 'created']);
    expect(results.map((r) => JSON.parse(r.run.params!).i)).toEqual([0, 1, 2, 3]);
    expect((await repo.insertMany([rows[2]!], new Date()))[0]).toMatchObject({ kind: 'existing', run: { id: results[2]!.run.id } });
  });

  it.each([
    [{ requests: [] }, 'requests'],
    [{ requests: Array.from({ length: 1001 }, () => ({})) }, 'requests'],
    [{ requests: [{}, { delay: 'nope' }] }, 'requests[1].delay'],
    [{}, 'requests'],
  ])('rejects %#', async (body, field) => {
    const res = await server.api.post(`/jobs/${job.key}/trigger-batch`, body);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});

describe('running, cancelling and waiting', () => {
  let socket: RawSocket;
  let dispatched: string[];
  let runApp: AppWithTokenDto;
  let runJob: JobDto;

  beforeAll(async () => {
    runApp = await newApp(server.api);
    // PARALLEL: the test leaves some runs unfinished, which would hold back a SERIAL job's next run.
    runJob = await newJob(server.api, { app: runApp.name, handler: 'h', blockStrategy: 'PARALLEL', schedule: { type: 'NONE', expression: null } as never });
    ({ socket } = await connectRaw(server.url, handshake(runApp.name, runApp.token, { handlers: ['h'] })));
    sockets.push(socket);
    dispatched = [];
    onDispatch(socket, (msg) => {
      dispatched.push(...msg.runs.map((r) => r.runId));
      return { accepted: msg.runs.map((r) => r.runId), rejected: [] };
    });
  });

  const finish = (runId: string) =>
    socket.timeout(5000).emitWithAck('run.result.v1', { runId, attempt: 1, outcome: 'SUCCEEDED', result: { closed: true }, finishedAt: new Date().toISOString() });

  it('dispatches a delayed run when it is due, not before', async () => {
    const run = (await trigger({ delay: 1200 }, runJob.key)).body;
    await waitFor(() => dispatched.includes(run.id), { timeoutMs: 5000, message: 'the delayed run is sent' });
    const sent = (await server.api.get<RunDto>(`/runs/${run.id}`)).body;
    expect(Date.parse(sent.dispatchedAt!)).toBeGreaterThanOrEqual(Date.parse(run.scheduledAt));
    expect(Date.parse(sent.dispatchedAt!) - Date.parse(run.scheduledAt)).toBeLessThan(1000);
  });

  it('GET ?waitMs= returns as soon as the run ends', async () => {
    const run = (await trigger({}, runJob.key)).body;
    await waitFor(() => dispatched.includes(run.id), { message: 'sent' });
    const started = Date.now();
    const waiting = server.api.get<RunDto>(`/runs/${run.id}?waitMs=10000`);
    await finish(run.id);
    const res = await waiting;
    expect(res.body).toMatchObject({ status: 'SUCCEEDED', result: { closed: true } });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('GET ?waitMs= answers with the current state when the wait runs out; bounds are checked', async () => {
    const run = (await trigger({ delay: 3_600_000 }, runJob.key)).body;
    const started = Date.now();
    const res = await server.api.get<RunDto>(`/runs/${run.id}?waitMs=300`);
    expect(res.body.status).toBe('SCHEDULED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await server.api.get(`/runs/${run.id}?waitMs=60001`)).status).toBe(400);
  });

  it('a cancelled scheduled run never starts; a sent one must be killed instead', async () => {
    const later = (await trigger({ delay: 800 }, runJob.key)).body;
    const res = await server.api.post<RunDto>(`/runs/${later.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', statusReason: 'cancelled before it started' });
    const marker = (await trigger({ delay: 1500 }, runJob.key)).body;
    await waitFor(() => dispatched.includes(marker.id), { timeoutMs: 5000, message: 'a later run is sent' });
    expect(dispatched).not.toContain(later.id);
    expect((await server.api.get<RunDto>(`/runs/${later.id}`)).body).toMatchObject({ status: 'CANCELLED', dispatchedAt: null });
    expect((await server.api.post(`/runs/${later.id}/cancel`)).body.code).toBe('RUN_ALREADY_FINISHED');
    const sent = await server.api.post(`/runs/${marker.id}/cancel`);
    expect(sent.status).toBe(409);
    expect(sent.body.code).toBe('RUN_ALREADY_STARTED');
    expect(sent.body.message).toMatch(/kill/);
  });
});

describe('GET /runs?from=&to=', () => {
  it('keeps runs scheduled in [from, to), and refuses a bad instant', async () => {
    const own = await newJob(server.api, { app: app.name, schedule: { type: 'NONE', expression: null } as never });
    const hour = 3_600_000;
    const base = Math.ceil(Date.now() / hour) * hour + 10 * hour;
    const at = (h: number) => new Date(base + h * hour).toISOString();
    const ids: string[] = [];
    for (const h of [1, 2, 3]) ids.push((await server.api.post(`/jobs/${own.key}/trigger`, { runAt: at(h) })).body.id);
    const page = await server.api.get(`/runs?job=${own.id}&from=${encodeURIComponent(at(2))}&to=${encodeURIComponent(at(3))}`);
    expect(page.status).toBe(200);
    expect(page.body.items.map((r: RunDto) => r.id)).toEqual([ids[1]]);
    expect((await server.api.get(`/runs?job=${own.id}&from=${encodeURIComponent(at(1))}`)).body.items).toHaveLength(3);
    const bad = await server.api.get('/runs?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('from');
  });
});
