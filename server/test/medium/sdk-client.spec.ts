import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, JobDto } from '@baton/protocol';
import { BatonApiError, BatonTimeoutError, createClient, type BatonClient } from '@baton/executor-sdk';
import { newApp, newJob } from '../support/builders.js';
import { waitFor } from '../support/poll.js';
import { connectRaw, handshake, onDispatch, type RawSocket } from '../support/raw-executor.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// The SDK's REST client against a real server: the "close unpaid order 42 in 30 minutes" flow.
// Needs the built SDK: npm run build -w protocol && npm run build -w executor-sdk.

let server: TestServer;
let app: AppWithTokenDto;
let job: JobDto;
let client: BatonClient;
let socket: RawSocket | undefined;
const dispatched: string[] = [];

beforeAll(async () => {
  server = await startTestServer({
    label: 'sdk_client',
    env: { LEADER_LEASE_TTL_MS: '3000', LEADER_RENEW_INTERVAL_MS: '300', DISPATCH_POLL_MS: '50', RECOVERY_INTERVAL_MS: '200', EXECUTOR_HEARTBEAT_INTERVAL_MS: '500' },
  });
  app = await newApp(server.api);
  // PARALLEL: some runs here are left unfinished, which would hold back a SERIAL job's next run.
  job = await newJob(server.api, { app: app.name, handler: 'order.close', blockStrategy: 'PARALLEL', schedule: { type: 'NONE', expression: null } as never });
  // A service's key, limited to this app (kill needs the manage scope).
  const key = await server.api.post('/api-keys', { name: 'order-service', scopes: ['trigger', 'read', 'manage'], apps: [app.name] });
  expect(key.status).toBe(201);
  client = createClient({ url: server.url, apiKey: key.body.key });
});
afterAll(async () => {
  socket?.close();
  await server?.close();
});

const orderId = (n: number) => ({ orderId: n, reason: 'unpaid' });

describe('SDK client against a real server', () => {
  it('triggers once per idempotency key, reads and cancels the run', async () => {
    const before = Date.now();
    const first = await client.trigger(job.key, orderId(42), { delay: 'PT30M', idempotencyKey: 'close-order-42' });
    expect(first).toMatchObject({ created: true, status: 'SCHEDULED', triggerType: 'API', jobKey: job.key, params: orderId(42) });
    expect(Math.abs(Date.parse(first.scheduledAt) - (before + 1_800_000))).toBeLessThan(2_000);

    const again = await client.trigger(job.key, orderId(42), { delay: 'PT30M', idempotencyKey: 'close-order-42' });
    expect(again).toMatchObject({ created: false, id: first.id });
    const page = await client.listRuns({ job: job.key, limit: 50 });
    expect(page.items.filter((r) => r.params && (r.params as { orderId?: number }).orderId === 42).map((r) => r.id)).toEqual([first.id]);

    expect(await client.getRun(first.id)).toMatchObject({ id: first.id, status: 'SCHEDULED', dispatchedAt: null });

    // The order was paid: the run is cancelled before it starts.
    expect(await client.cancel(first.id)).toMatchObject({ id: first.id, status: 'CANCELLED', statusReason: 'cancelled before it started' });
    await expect(client.cancel(first.id)).rejects.toMatchObject({ name: 'BatonApiError', status: 409, code: 'RUN_ALREADY_FINISHED' });
  });

  it('the same key with other params is IDEMPOTENCY_CONFLICT naming the earlier run', async () => {
    const first = await client.trigger(job.key, orderId(7), { delay: 60_000, idempotencyKey: 'close-order-7' });
    const err = await client.trigger(job.key, orderId(8), { delay: 60_000, idempotencyKey: 'close-order-7' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatonApiError);
    expect(err).toMatchObject({ status: 409, code: 'IDEMPOTENCY_CONFLICT', details: { runId: first.id } });
  });

  it('maps 404s and validation errors to BatonApiError', async () => {
    const run = await client.getRun('999999999').catch((e: unknown) => e);
    expect(run).toBeInstanceOf(BatonApiError);
    expect(run).toMatchObject({ status: 404, code: 'RUN_NOT_FOUND', method: 'GET', url: `${server.url}/api/v1/runs/999999999` });
    await expect(client.trigger(`${app.name}:no-such-job`)).rejects.toMatchObject({ status: 404, code: 'JOB_NOT_FOUND' });
    await expect(client.kill('999999999')).rejects.toMatchObject({ status: 404, code: 'RUN_NOT_FOUND' });
    const invalid = await client.trigger(job.key, {}, { delay: 'later' }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((invalid as BatonApiError).details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'delay' })]));
  });

  it('triggerBatch answers each request in order; kill ends a run not yet sent', async () => {
    const res = await client.triggerBatch(job.key, [
      { params: orderId(100), idempotencyKey: 'batch-100', delay: 3_600_000 },
      { params: orderId(100), idempotencyKey: 'batch-100', delay: 3_600_000 },
      { params: orderId(101), runAt: new Date(Date.now() + 3_600_000) },
    ]);
    expect(res.items.map((i) => i.outcome)).toEqual(['CREATED', 'EXISTING', 'CREATED']);
    expect(res.items[1]!.run!.id).toBe(res.items[0]!.run!.id);
    expect(await client.kill(res.items[2]!.run!.id)).toMatchObject({ status: 'CANCELLED' });
  });

  it('waitForRun times out with the last state of a run that is not due yet', async () => {
    const later = await client.trigger(job.key, orderId(5), { delay: 'PT1H' });
    const started = Date.now();
    const err = await client.waitForRun(later.id, { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BatonTimeoutError);
    expect((err as BatonTimeoutError).run).toMatchObject({ id: later.id, status: 'SCHEDULED' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('waitForRun resolves when an executor reports the result', async () => {
    ({ socket } = await connectRaw(server.url, handshake(app.name, app.token, { handlers: ['order.close'] })));
    onDispatch(socket, (msg) => {
      dispatched.push(...msg.runs.map((r) => r.runId));
      return { accepted: msg.runs.map((r) => r.runId), rejected: [] };
    });

    const run = await client.trigger(job.key, orderId(43), { delay: 300, idempotencyKey: 'close-order-43' });
    const waiting = client.waitForRun(run.id, { timeoutMs: 20_000 });
    await waitFor(() => dispatched.includes(run.id), { timeoutMs: 5_000, message: 'the delayed run is sent to the raw executor' });
    const ack = await socket.timeout(5_000).emitWithAck('run.result.v1', { runId: run.id, attempt: 1, outcome: 'SUCCEEDED', result: { closed: true }, finishedAt: new Date().toISOString() });
    expect(ack).toMatchObject({ accepted: true });
    const done = await waiting;
    expect(done).toMatchObject({ id: run.id, status: 'SUCCEEDED', result: { closed: true } });
    expect(done.finishedAt).not.toBeNull();
  });
});
