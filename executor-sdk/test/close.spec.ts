import { afterEach, describe, expect, it } from 'vitest';
import { aRun } from './support/fake-server.js';
import { gate, Harness } from './support/harness.js';
import { waitFor } from './support/wait.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('close()', () => {
  it('stops accepting, lets a running handler finish, delivers its result, then disconnects', async () => {
    const server = await h.server();
    const executor = h.executor(server);
    const hold = gate();
    executor.handle('wait', async (ctx) => {
      await hold.promise;
      ctx.log('finishing during close');
      return 'finished';
    });
    await executor.start();
    let closedEvents = 0;
    executor.on('closed', () => closedEvents++);
    const run = aRun({ handler: 'wait' });
    await server.dispatch([run]);

    const closing = executor.close({ timeoutMs: 10_000 });
    await waitFor(() => server.of('heartbeat.v1').some((m) => m.draining && m.inFlight.length === 1), 'a draining heartbeat');
    const late = aRun({ handler: 'wait' });
    expect(await server.dispatch([late])).toEqual({ accepted: [], rejected: [{ runId: late.runId, reason: 'DRAINING' }] });
    // A duplicate of the running run is still recognised.
    expect((await server.dispatch([run])).accepted).toEqual([run.runId]);

    hold.open();
    await closing;
    expect(server.resultsFor(run.runId)).toEqual([expect.objectContaining({ outcome: 'SUCCEEDED', result: 'finished' })]);
    expect(server.of('run.logs.v1').at(-1).lines[0].message).toBe('finishing during close');
    expect(executor.stats()).toEqual({ inFlight: 0, bufferedResults: 0, connections: [] });
    expect(closedEvents).toBe(1);
    await waitFor(() => server.sockets.length === 0, 'the socket to close');
    // Idempotent.
    await executor.close();
    expect(closedEvents).toBe(1);
  });

  it('aborts handlers still running after timeoutMs with SHUTDOWN and reports them CANCELLED, retryable', async () => {
    const server = await h.server();
    const executor = h.executor(server);
    let reason: unknown;
    executor.handle('slow', (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error(String((reason = ctx.signal.reason)))))));
    await executor.start();
    const run = aRun({ handler: 'slow' });
    await server.dispatch([run]);
    await waitFor(() => server.of('run.started.v1').length === 1, 'run.started');

    await executor.close({ timeoutMs: 50 });
    expect(reason).toBe('SHUTDOWN');
    expect(server.resultsFor(run.runId)).toEqual([
      expect.objectContaining({ outcome: 'CANCELLED', error: { message: 'The executor shut down before the run finished', retryable: true } }),
    ]);
  });

  it('does not wait forever for a handler that ignores the shutdown abort', async () => {
    const server = await h.server();
    const executor = h.executor(server, { killGraceMs: 100 });
    const never = gate();
    executor.handle('stubborn', () => never.promise);
    await executor.start();
    const run = aRun({ handler: 'stubborn' });
    await server.dispatch([run]);
    await executor.close({ timeoutMs: 0 });
    expect(server.resultsFor(run.runId)).toEqual([expect.objectContaining({ outcome: 'CANCELLED', handlerIgnoredAbort: true })]);
    never.open();
  });

  it('closes an executor that never started, and one whose start() is pending', async () => {
    const idle = h.executor(['http://127.0.0.1:1']);
    await idle.close();
    const pending = h.executor(['http://127.0.0.1:1'], { startTimeoutMs: 10_000 });
    pending.handle('x', () => null);
    const starting = pending.start();
    await pending.close();
    await expect(starting).rejects.toThrow(/closed before it connected/);
  });
});
