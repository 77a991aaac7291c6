import { afterEach, describe, expect, it } from 'vitest';
import { NonRetryableError, type Executor } from '../src/index.js';
import { aRun, type FakeServer } from './support/fake-server.js';
import { gate, Harness, memoryLogger } from './support/harness.js';
import { waitFor } from './support/wait.js';

const h = new Harness();
afterEach(() => h.cleanup());

async function connected(options: Parameters<Harness['executor']>[1] = {}, register: (e: Executor) => void = () => {}): Promise<{ server: FakeServer; executor: Executor }> {
  const server = await h.server();
  const executor = h.executor(server, options);
  register(executor);
  await executor.start();
  return { server, executor };
}

const resultOf = async (server: FakeServer, runId: string) => {
  await waitFor(() => server.resultsFor(runId).length > 0, `the result of ${runId}`);
  return server.resultsFor(runId)[0];
};

describe('running a dispatched run', () => {
  it('reports started, ordered log batches, progress and the result', async () => {
    const { server } = await connected({}, (e) =>
      e.handle('report.build', async (ctx) => {
        ctx.log('building for %s', ctx.params.customer);
        ctx.progress(50);
        for (let i = 0; i < 150; i++) ctx.log.debug(`row ${i}`);
        ctx.log.warn('almost done');
        ctx.progress(120);
        return { rows: 3, shard: ctx.shard, jobKey: ctx.jobKey };
      }),
    );
    const run = aRun({ handler: 'report.build', params: { customer: 'acme' }, shard: { index: 1, total: 4 } });
    expect(await server.dispatch([run])).toEqual({ accepted: [run.runId], rejected: [] });

    const result = await resultOf(server, run.runId);
    expect(result).toMatchObject({ runId: run.runId, attempt: 1, outcome: 'SUCCEEDED', result: { rows: 3, shard: { index: 1, total: 4 }, jobKey: 'billing:report' } });
    expect(Date.parse(result.startedAt)).toBeLessThanOrEqual(Date.parse(result.finishedAt));

    const events = server.received.filter((r) => r.msg.runId === run.runId).map((r) => r.event);
    expect(events[0]).toBe('run.started.v1');
    expect(events.at(-1)).toBe('run.result.v1');
    // Logs and progress all arrive before the result.
    expect(events.lastIndexOf('run.logs.v1')).toBeLessThan(events.indexOf('run.result.v1'));

    const batches = server.of('run.logs.v1').filter((m) => m.runId === run.runId);
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i + 1));
    expect(batches.every((b) => b.lines.length <= 100)).toBe(true);
    const lines = batches.flatMap((b) => b.lines);
    expect(lines).toHaveLength(152);
    expect(lines[0]).toMatchObject({ level: 'info', message: 'building for acme' });
    expect(lines[1]).toMatchObject({ level: 'debug', message: 'row 0' });
    expect(lines.at(-1)).toMatchObject({ level: 'warn', message: 'almost done' });

    const progress = server.of('run.progress.v1').filter((m) => m.runId === run.runId).map((m) => m.progress);
    expect(progress[0]).toBe(50);
    expect(progress.at(-1)).toBe(100);
  });

  it('emits run.started and run.finished', async () => {
    const { server, executor } = await connected({}, (e) => e.handle('x', () => 42));
    const seen: string[] = [];
    executor.on('run.started', (r) => seen.push(`started ${r.handler} ${r.runId}`));
    executor.on('run.finished', (r) => seen.push(`finished ${r.outcome} ${String(r.result)} ${r.durationMs >= 0}`));
    const run = aRun({ handler: 'x' });
    await server.dispatch([run]);
    await resultOf(server, run.runId);
    expect(seen).toEqual([`started x ${run.runId}`, 'finished SUCCEEDED 42 true']);
  });

  it('maps undefined to a null result and passes the run fields to the context', async () => {
    let seen: unknown;
    const { server } = await connected({}, (e) =>
      e.handle('fields', (ctx) => {
        seen = { ...ctx, signal: undefined, log: undefined, progress: undefined };
      }),
    );
    const parent = { runId: 'p1', jobKey: 'billing:parent', status: 'SUCCEEDED', result: { n: 1 } };
    const run = aRun({ handler: 'fields', attempt: 2, parent, triggerType: 'CRON', scheduledAt: '2030-01-02T03:04:05.000Z', params: { a: 1 } });
    await server.dispatch([run]);
    expect(await resultOf(server, run.runId)).toMatchObject({ outcome: 'SUCCEEDED', result: null, attempt: 2 });
    expect(seen).toMatchObject({ runId: run.runId, attempt: 2, jobId: run.jobId, jobKey: run.jobKey, params: { a: 1 }, triggerType: 'CRON', parent, scheduledAt: new Date('2030-01-02T03:04:05.000Z') });
  });

  it('fails a run whose handler throws, retryable', async () => {
    const { server } = await connected({}, (e) =>
      e.handle('boom', () => {
        throw new Error('database is down');
      }),
    );
    const run = aRun({ handler: 'boom' });
    await server.dispatch([run]);
    const result = await resultOf(server, run.runId);
    expect(result.outcome).toBe('FAILED');
    expect(result.error).toMatchObject({ message: 'database is down', retryable: true });
    expect(result.error.stack).toContain('database is down');
    expect(result).not.toHaveProperty('result');
  });

  it('fails a run with retryable false on NonRetryableError, and stringifies non-Error throws', async () => {
    const { server } = await connected({ concurrency: 2 }, (e) => {
      e.handle('bad.params', async () => {
        throw new NonRetryableError('customer is required');
      });
      e.handle('throws.string', async () => {
        throw 'just a string';
      });
    });
    const a = aRun({ handler: 'bad.params' });
    const b = aRun({ handler: 'throws.string' });
    expect((await server.dispatch([a, b])).accepted).toHaveLength(2);
    expect((await resultOf(server, a.runId)).error).toMatchObject({ message: 'customer is required', retryable: false });
    expect((await resultOf(server, b.runId)).error).toEqual({ message: 'just a string', retryable: true });
  });

  it('fails a run whose result is too large or not JSON, not retryable', async () => {
    const { server } = await connected({ maxResultBytes: 100, concurrency: 2 }, (e) => {
      e.handle('big', () => ({ blob: 'x'.repeat(200) }));
      e.handle('circular', () => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      });
    });
    const big = aRun({ handler: 'big' });
    const circular = aRun({ handler: 'circular' });
    await server.dispatch([big, circular]);
    const r1 = await resultOf(server, big.runId);
    expect(r1.outcome).toBe('FAILED');
    expect(r1.error.retryable).toBe(false);
    expect(r1.error.message).toMatch(/211 bytes as JSON, over the 100-byte limit/);
    const r2 = await resultOf(server, circular.runId);
    expect(r2.error).toMatchObject({ retryable: false, message: expect.stringMatching(/not JSON-serializable/) });
  });
});

describe('dispatch decisions', () => {
  it('does not run a duplicate dispatch twice, and re-sends an unacknowledged result', async () => {
    let acknowledge = false;
    const server = await h.server({ resultReply: () => (acknowledge ? { accepted: true } : null) });
    const executor = h.executor(server);
    let calls = 0;
    const hold = gate();
    executor.handle('once', async () => {
      calls++;
      await hold.promise;
      return 'done';
    });
    await executor.start();
    const run = aRun({ handler: 'once' });

    expect((await server.dispatch([run])).accepted).toEqual([run.runId]);
    // In flight: accepted again, not started again.
    expect(await server.dispatch([run])).toEqual({ accepted: [run.runId], rejected: [] });
    hold.open();
    await waitFor(() => server.resultsFor(run.runId).length === 1, 'the first result');
    expect(executor.stats().bufferedResults).toBe(1);

    // Finished, result not acknowledged: accepted, and the result goes out again.
    acknowledge = true;
    expect(await server.dispatch([run])).toEqual({ accepted: [run.runId], rejected: [] });
    await waitFor(() => executor.stats().bufferedResults === 0, 'the re-sent result to be acknowledged');
    expect(server.resultsFor(run.runId)).toHaveLength(2);
    expect(server.resultsFor(run.runId)[1]).toEqual(server.resultsFor(run.runId)[0]);

    // Finished and acknowledged: accepted, nothing sent.
    expect(await server.dispatch([run])).toEqual({ accepted: [run.runId], rejected: [] });
    expect(calls).toBe(1);
    expect(server.of('run.started.v1').filter((m) => m.runId === run.runId)).toHaveLength(1);
  });

  it('rejects AT_CAPACITY beyond the concurrency, and UNKNOWN_HANDLER', async () => {
    const hold = gate();
    const { server, executor } = await connected({ concurrency: 2 }, (e) => e.handle('wait', () => hold.promise));
    const [a, b, c] = [aRun({ handler: 'wait' }), aRun({ handler: 'wait' }), aRun({ handler: 'wait' })];
    const unknown = aRun({ handler: 'nobody.home' });
    expect(await server.dispatch([a, b, c, unknown])).toEqual({
      accepted: [a.runId, b.runId],
      rejected: [
        { runId: c.runId, reason: 'AT_CAPACITY' },
        { runId: unknown.runId, reason: 'UNKNOWN_HANDLER' },
      ],
    });
    expect(executor.stats().inFlight).toBe(2);
    hold.open();
    await waitFor(() => executor.stats().inFlight === 0, 'the runs to end');
    expect((await server.dispatch([c])).accepted).toEqual([c.runId]);
    await resultOf(server, c.runId);
  });

  it('rejects DRAINING after drain.v1 and says so in heartbeats', async () => {
    const { server } = await connected({}, (e) => e.handle('x', () => 1));
    server.emitToAll('drain.v1', {});
    await waitFor(() => server.of('heartbeat.v1').some((m) => m.draining), 'a draining heartbeat');
    const run = aRun({ handler: 'x' });
    expect(await server.dispatch([run])).toEqual({ accepted: [], rejected: [{ runId: run.runId, reason: 'DRAINING' }] });
  });

  it('lists in-flight runs in heartbeats', async () => {
    const hold = gate();
    const server = await h.server({ heartbeatIntervalMs: 100 });
    const executor = h.executor(server, { concurrency: 2 });
    executor.handle('wait', () => hold.promise);
    await executor.start();
    const [a, b] = [aRun({ handler: 'wait' }), aRun({ handler: 'wait', attempt: 3 })];
    await server.dispatch([a, b]);
    await waitFor(() => server.of('heartbeat.v1').some((m) => m.inFlight.length === 2), 'a heartbeat with both runs');
    const beat = server.of('heartbeat.v1').find((m) => m.inFlight.length === 2);
    expect(beat).toEqual({ inFlight: [{ runId: a.runId, attempt: 1 }, { runId: b.runId, attempt: 3 }], pendingResults: [], draining: false });
    hold.open();
    await waitFor(() => server.of('heartbeat.v1').at(-1).inFlight.length === 0, 'an empty heartbeat');
  });

  it('keeps listing a finished run in heartbeats (pendingResults) until its result is acknowledged', async () => {
    let acknowledge = false;
    const server = await h.server({ heartbeatIntervalMs: 100, resultReply: () => (acknowledge ? { accepted: true } : null) });
    const executor = h.executor(server);
    executor.handle('quick', () => 'done');
    await executor.start();
    const run = aRun({ handler: 'quick' });
    await server.dispatch([run]);
    await waitFor(() => server.resultsFor(run.runId).length === 1, 'the result is sent');
    await waitFor(() => server.of('heartbeat.v1').some((m) => m.inFlight.length === 0 && m.pendingResults?.[0]?.runId === run.runId), 'a heartbeat listing the pending result');
    // The server finally answers (here: a re-sent result on reconnect is acknowledged).
    acknowledge = true;
    server.disconnectAll();
    await waitFor(() => server.of('heartbeat.v1').at(-1)?.pendingResults?.length === 0, 'no pending result once acknowledged', 15_000);
  });
});

describe('timeouts, kills and the grace period', () => {
  it('aborts the signal with TIMEOUT after timeoutMs and reports TIMED_OUT', async () => {
    let reason: unknown;
    const { server } = await connected({}, (e) =>
      e.handle('slow', (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(((reason = ctx.signal.reason), new Error('stopped')))))),
    );
    const run = aRun({ handler: 'slow', timeoutMs: 100 });
    await server.dispatch([run]);
    const result = await resultOf(server, run.runId);
    expect(reason).toBe('TIMEOUT');
    expect(result.outcome).toBe('TIMED_OUT');
    expect(result.error).toMatchObject({ message: 'The run timed out after 100 ms', retryable: true });
    expect(result).not.toHaveProperty('handlerIgnoredAbort');
  });

  it('kills a run: signal aborted with the reason, outcome CANCELLED', async () => {
    let reason: unknown;
    const { server, executor } = await connected({ concurrency: 2 }, (e) =>
      e.handle('slow', (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve((reason = ctx.signal.reason))))),
    );
    const [killed, covered] = [aRun({ handler: 'slow' }), aRun({ handler: 'slow' })];
    await server.dispatch([killed, covered]);
    server.kill({ runId: killed.runId, reason: 'KILLED' });
    expect(await resultOf(server, killed.runId)).toMatchObject({ outcome: 'CANCELLED', error: { message: 'The run was killed', retryable: false } });
    expect(reason).toBe('KILLED');
    server.kill({ runId: covered.runId, reason: 'COVERED' });
    expect((await resultOf(server, covered.runId)).outcome).toBe('CANCELLED');
    server.kill({ runId: 'not-here' });
    expect(executor.stats().inFlight).toBe(0);
  });

  it('maps a kill with reason TIMEOUT to TIMED_OUT', async () => {
    const { server } = await connected({}, (e) => e.handle('slow', (ctx) => new Promise((r) => ctx.signal.addEventListener('abort', r))));
    const run = aRun({ handler: 'slow' });
    await server.dispatch([run]);
    server.kill({ runId: run.runId, reason: 'TIMEOUT' });
    expect((await resultOf(server, run.runId)).outcome).toBe('TIMED_OUT');
  });

  it('reports a handler that ignores the abort after the grace, with handlerIgnoredAbort, and frees the slot', async () => {
    const logger = memoryLogger();
    const never = gate();
    const { server, executor } = await connected({ killGraceMs: 5_000, logger }, (e) => e.handle('stubborn', () => never.promise));
    const run = aRun({ handler: 'stubborn' });
    await server.dispatch([run]);
    const killedAt = Date.now();
    // The kill's graceMs (150) is smaller than killGraceMs (5000), so it wins.
    server.kill({ runId: run.runId, reason: 'KILLED', graceMs: 150 });
    const result = await resultOf(server, run.runId);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(140);
    expect(result).toMatchObject({ outcome: 'CANCELLED', handlerIgnoredAbort: true });
    expect(executor.stats().inFlight).toBe(0);
    expect(logger.has('warn', 'ignored its abort signal')).toBe(true);
    const lines = server.of('run.logs.v1').filter((m) => m.runId === run.runId).flatMap((m) => m.lines);
    expect(lines.at(-1)).toMatchObject({ level: 'warn', message: expect.stringContaining('ignored the abort signal') });
    never.open();
  });

  it('applies killGraceMs to a timed-out handler that ignores the abort', async () => {
    const never = gate();
    const { server } = await connected({ killGraceMs: 100 }, (e) => e.handle('stubborn', () => never.promise));
    const run = aRun({ handler: 'stubborn', timeoutMs: 50 });
    await server.dispatch([run]);
    expect(await resultOf(server, run.runId)).toMatchObject({ outcome: 'TIMED_OUT', handlerIgnoredAbort: true });
    never.open();
  });
});
