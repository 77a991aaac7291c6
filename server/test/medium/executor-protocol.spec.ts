import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, ExecutorInstanceDto, RunDto, RunLogPage } from '@baton/protocol';
import { newApp, newJob } from '../support/builders.js';
import { waitFor } from '../support/poll.js';
import { connectRaw, handshake, onDispatch, type RawSocket } from '../support/raw-executor.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let app: AppWithTokenDto;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    label: 'exproto',
    env: { LEADER_LEASE_TTL_MS: '3000', LEADER_RENEW_INTERVAL_MS: '300', TRIGGER_TICK_MS: '100', DISPATCH_POLL_MS: '50', RECOVERY_INTERVAL_MS: '200', EXECUTOR_HEARTBEAT_INTERVAL_MS: '500', RUN_LEASE_MS: '5000', RUN_LOG_MAX_BYTES: '2048' },
  });
  app = await newApp(server.api);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

const connect = async (auth: unknown) => {
  const c = await connectRaw(server.url, auth);
  sockets.push(c.socket);
  return c;
};

describe('executor handshake', () => {
  it.each([
    ['a wrong token', () => handshake(app.name, 'bat_exe_wrong'), /^UNAUTHORIZED: unknown app or wrong token$/],
    ['an unknown app', () => handshake('no-such-app', app.token), /^UNAUTHORIZED: unknown app or wrong token$/],
    ['another protocol version', () => handshake(app.name, app.token, { protocol: 99 }), /^UNSUPPORTED_PROTOCOL: this server speaks executor protocol 1/],
    ['a malformed handshake', () => ({ app: app.name }), /^INVALID_HANDSHAKE: protocol must be/],
    ['a bad handler name', () => handshake(app.name, app.token, { handlers: ['has space'] }), /^INVALID_HANDSHAKE: handlers/],
  ])('refuses %s with a clear reason', async (_label, auth, message) => {
    await expect(connectRaw(server.url, auth())).rejects.toThrow(message);
  });

  it('greets an accepted executor with this node and its settings, and lists it as ONLINE', async () => {
    const hs = handshake(app.name, app.token, { handlers: ['a', 'b'], concurrency: 3, labels: { zone: 'eu' } });
    const { hello } = await connect(hs);
    expect(hello).toMatchObject({ nodeId: 'test-node', protocol: 1, heartbeatIntervalMs: 500, runLeaseMs: 5000 });
    expect(hello.nodes.map((n) => n.id)).toContain('test-node');
    const list = await waitFor(async () => {
      const res = await server.api.get<ExecutorInstanceDto[]>(`/executors?app=${app.name}`);
      return res.body.find((e) => e.id === hs.instanceId);
    }, { message: 'the instance is listed' });
    expect(list).toMatchObject({ app: app.name, status: 'ONLINE', draining: false, handlers: ['a', 'b'], concurrency: 3, labels: { zone: 'eu' }, hostname: 'test-host' });
  });

  it('accepts the previous token during the rotation grace, and not after a rotation without grace', async () => {
    const other = await newApp(server.api);
    const rotated = (await server.api.post(`/apps/${other.name}/rotate-token`, { graceMs: 60_000 })).body;
    await expect(connect(handshake(other.name, other.token))).resolves.toBeTruthy();
    await expect(connect(handshake(other.name, rotated.token))).resolves.toBeTruthy();
    const again = (await server.api.post(`/apps/${other.name}/rotate-token`, { graceMs: 0 })).body;
    await expect(connectRaw(server.url, handshake(other.name, rotated.token))).rejects.toThrow(/UNAUTHORIZED/);
    await expect(connect(handshake(other.name, again.token))).resolves.toBeTruthy();
  });
});

describe('a run over the raw protocol', () => {
  it('goes SCHEDULED → DISPATCHED → RUNNING → SUCCEEDED with every timestamp, logs in order, and a duplicate result accepted once', async () => {
    const own = await newApp(server.api);
    const hs = handshake(own.name, own.token, { handlers: ['raw.job'] });
    const { socket } = await connect(hs);
    const dispatches = onDispatch(socket, (msg) => ({ accepted: msg.runs.map((r) => r.runId), rejected: [] }));
    const job = await newJob(server.api, { app: own.name, handler: 'raw.job', params: { n: 7 }, schedule: { type: 'ONCE', expression: new Date(Date.now() + 500).toISOString() } as never });
    await waitFor(() => dispatches.length > 0, { message: 'a dispatch' });
    const d = dispatches[0]!.runs[0]!;
    expect(d).toMatchObject({ jobId: job.id, jobKey: job.key, handler: 'raw.job', params: { n: 7 }, attempt: 1, shard: { index: 0, total: 1 }, triggerType: 'ONCE', timeoutMs: 0 });

    const ack = (event: string, msg: object) => socket.timeout(5000).emitWithAck(event, msg);
    expect(await ack('run.started.v1', { runId: d.runId, attempt: 1, startedAt: new Date().toISOString() })).toEqual({ ok: true });
    expect(await ack('run.logs.v1', { runId: d.runId, attempt: 1, seq: 1, lines: [{ at: new Date().toISOString(), level: 'info', message: 'one' }] })).toEqual({ ok: true });
    expect(await ack('run.logs.v1', { runId: d.runId, attempt: 1, seq: 2, lines: [{ at: new Date().toISOString(), level: 'warn', message: 'two' }] })).toEqual({ ok: true });
    expect(await ack('run.logs.v1', { runId: d.runId, attempt: 1, seq: 2, lines: [{ at: new Date().toISOString(), level: 'warn', message: 'two again' }] })).toEqual({ ok: true });
    socket.emit('run.progress.v1', { runId: d.runId, attempt: 1, progress: 40 });
    await waitFor(async () => (await server.api.get<RunDto>(`/runs/${d.runId}`)).body.progress === 40, { message: 'progress' });
    const result = { runId: d.runId, attempt: 1, outcome: 'SUCCEEDED', result: { ok: 1 }, finishedAt: new Date().toISOString() };
    expect(await ack('run.result.v1', result)).toEqual({ accepted: true });
    expect(await ack('run.result.v1', result)).toEqual({ accepted: true });
    expect(await ack('run.result.v1', { ...result, outcome: 'FAILED', error: { message: 'late', retryable: true } })).toEqual({ accepted: false, reason: 'run already ended as SUCCEEDED' });

    const run = (await server.api.get<RunDto>(`/runs/${d.runId}`)).body;
    expect(run).toMatchObject({ status: 'SUCCEEDED', result: { ok: 1 }, executorId: hs.instanceId, dispatchCount: 1, progress: 100, jobKey: job.key });
    const path = [run.createdAt, run.scheduledAt, run.dispatchedAt, run.ackedAt, run.startedAt, run.finishedAt].map((t) => new Date(t!).getTime());
    expect(path.every((t) => Number.isFinite(t))).toBe(true);
    expect(path.slice(2)).toEqual([...path.slice(2)].sort((a, b) => a - b));
    const logs = (await server.api.get<RunLogPage>(`/runs/${d.runId}/logs`)).body;
    expect(logs.chunks.flatMap((c) => c.lines.map((l) => `${c.seq} ${l.level} ${l.message}`))).toEqual(['1 info one', '2 warn two']);
    expect((await server.api.get<RunLogPage>(`/runs/${d.runId}/logs?after=1`)).body.chunks.map((c) => c.seq)).toEqual([2]);
  });

  it('plans a FIXED_DELAY job\'s next fire an interval after its run\'s reported end', async () => {
    const own = await newApp(server.api);
    const { socket } = await connect(handshake(own.name, own.token, { handlers: ['raw.delay'] }));
    const dispatches = onDispatch(socket, (msg) => ({ accepted: msg.runs.map((r) => r.runId), rejected: [] }));
    const job = await newJob(server.api, { app: own.name, handler: 'raw.delay', schedule: { type: 'FIXED_DELAY', expression: 'PT2S' } as never });
    await waitFor(() => dispatches.length > 0, { message: 'the first fire is dispatched' });
    const first = dispatches[0]!.runs[0]!;
    const finishedAt = new Date();
    expect(await socket.timeout(5000).emitWithAck('run.result.v1', { runId: first.runId, attempt: 1, outcome: 'SUCCEEDED', result: null, finishedAt: finishedAt.toISOString() })).toEqual({ accepted: true });
    const runs = await waitFor(async () => {
      const page = (await server.api.get<{ items: RunDto[] }>(`/runs?job=${job.key}`)).body.items;
      return page.length === 2 ? page : null;
    }, { message: 'the next fire is planned' });
    const second = runs.find((r) => r.id !== first.runId)!;
    expect(Date.parse(second.scheduledAt)).toBe(finishedAt.getTime() + 2_000);
  });

  it('caps a run\'s log: the batch that crosses RUN_LOG_MAX_BYTES keeps what fits plus a marker, later lines are dropped', async () => {
    const own = await newApp(server.api);
    const { socket } = await connect(handshake(own.name, own.token, { handlers: ['chatty'] }));
    const dispatches = onDispatch(socket, (msg) => ({ accepted: msg.runs.map((r) => r.runId), rejected: [] }));
    await newJob(server.api, { app: own.name, handler: 'chatty', schedule: { type: 'ONCE', expression: new Date(Date.now() + 300).toISOString() } as never });
    await waitFor(() => dispatches.length > 0, { message: 'a dispatch' });
    const runId = dispatches[0]!.runs[0]!.runId;
    const batch = (seq: number) => ({ runId, attempt: 1, seq, lines: Array.from({ length: 10 }, (_, i) => ({ at: new Date().toISOString(), level: 'info', message: `line ${seq}.${i} ${'x'.repeat(60)}` })) });
    for (let seq = 1; seq <= 5; seq++) expect(await socket.timeout(5000).emitWithAck('run.logs.v1', batch(seq))).toEqual({ ok: true });
    const page = (await server.api.get<RunLogPage>(`/runs/${runId}/logs`)).body;
    const messages = page.chunks.flatMap((c) => c.lines.map((l) => l.message));
    expect(page.truncated).toBe(true);
    expect(messages.at(-1)).toMatch(/^log truncated: this run reached RUN_LOG_MAX_BYTES/);
    expect(messages.filter((m) => m.startsWith('log truncated'))).toHaveLength(1);
    expect(messages[0]).toMatch(/^line 1\.0 /);
    expect(JSON.stringify(page.chunks).length).toBeLessThan(2048 + 1024);
  });

  it('drains an executor: it is told to stop taking runs, and 404 for an instance not connected', async () => {
    const own = await newApp(server.api);
    const hs = handshake(own.name, own.token);
    const { socket } = await connect(hs);
    const drained = new Promise((resolve) => socket.once('drain.v1', resolve));
    const res = await server.api.post(`/executors/${hs.instanceId}/drain`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ instanceId: hs.instanceId, draining: true });
    await expect(drained).resolves.toEqual({});
    const listed = (await server.api.get<ExecutorInstanceDto[]>(`/executors?app=${own.name}`)).body;
    expect(listed.map((e) => [e.id, e.status, e.draining])).toEqual([[hs.instanceId, 'ONLINE', true]]);
    const missing = await server.api.post('/executors/nobody/drain');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('EXECUTOR_NOT_CONNECTED');
  });

  it('renews the lease of a finished run whose result is on its way (pendingResults), but not of a run the executor does not hold', async () => {
    const own = await newApp(server.api);
    const hs = handshake(own.name, own.token, { handlers: ['p'] });
    const { socket } = await connect(hs);
    const dispatches = onDispatch(socket, (msg) => ({ accepted: msg.runs.map((r) => r.runId), rejected: [] }));
    await newJob(server.api, { app: own.name, handler: 'p', schedule: { type: 'ONCE', expression: new Date(Date.now() + 300).toISOString() } as never });
    await waitFor(() => dispatches.length > 0, { message: 'a dispatch' });
    const runId = dispatches[0]!.runs[0]!.runId;
    await socket.timeout(5000).emitWithAck('run.started.v1', { runId, attempt: 1, startedAt: new Date().toISOString() });
    const lease = async () => Date.parse((await server.api.get<RunDto>(`/runs/${runId}`)).body.leaseUntil!);
    const before = await lease();
    await waitFor(async () => {
      await socket.timeout(5000).emitWithAck('heartbeat.v1', { inFlight: [], pendingResults: [{ runId, attempt: 1 }], draining: false });
      return (await lease()) > before;
    }, { message: 'the lease moves forward' });
    const other = await connect(handshake(own.name, own.token, { handlers: ['p'] }));
    const held = await lease();
    await other.socket.timeout(5000).emitWithAck('heartbeat.v1', { inFlight: [{ runId, attempt: 1 }], draining: false });
    expect(await lease()).toBe(held);
  });

  it('refuses malformed messages without changing anything', async () => {
    const own = await newApp(server.api);
    const { socket } = await connect(handshake(own.name, own.token));
    expect(await socket.timeout(5000).emitWithAck('run.result.v1', { runId: 'x' })).toEqual({ accepted: false, reason: 'malformed result' });
    expect(await socket.timeout(5000).emitWithAck('run.logs.v1', { runId: '1', attempt: 1, seq: 0, lines: [] })).toEqual({ ok: false });
    expect(await socket.timeout(5000).emitWithAck('heartbeat.v1', 'nope')).toEqual({ ok: false });
  });

  it('404s and 400s unknown and malformed run ids, and refuses to kill a finished run', async () => {
    expect((await server.api.get('/runs/999999999')).body.code).toBe('RUN_NOT_FOUND');
    expect((await server.api.get('/runs/abc')).body.code).toBe('INVALID_ID');
    const own = await newApp(server.api);
    const { socket } = await connect(handshake(own.name, own.token, { handlers: ['k'] }));
    const dispatches = onDispatch(socket, (msg) => ({ accepted: msg.runs.map((r) => r.runId), rejected: [] }));
    await newJob(server.api, { app: own.name, handler: 'k', schedule: { type: 'ONCE', expression: new Date(Date.now() + 300).toISOString() } as never });
    await waitFor(() => dispatches.length > 0, { message: 'a dispatch' });
    const runId = dispatches[0]!.runs[0]!.runId;
    await socket.timeout(5000).emitWithAck('run.result.v1', { runId, attempt: 1, outcome: 'FAILED', error: { message: 'boom', stack: 'at x', retryable: true }, finishedAt: new Date().toISOString() });
    const kill = await server.api.post(`/runs/${runId}/kill`);
    expect(kill.status).toBe(409);
    expect(kill.body).toMatchObject({ code: 'RUN_ALREADY_FINISHED', details: { status: 'FAILED' } });
    expect((await server.api.get<RunDto>(`/runs/${runId}`)).body.error).toEqual({ message: 'boom', stack: 'at x', retryable: true });
  });
});
