import { afterEach, describe, expect, it } from 'vitest';
import { aRun } from './support/fake-server.js';
import { gate, Harness, memoryLogger } from './support/harness.js';
import { waitFor } from './support/wait.js';

const h = new Harness();
afterEach(() => h.cleanup());

describe('reconnects and the result outbox', () => {
  it('delivers the result once after a server-side disconnect mid-run', async () => {
    const server = await h.server();
    const executor = h.executor(server);
    const hold = gate();
    executor.handle('wait', async (ctx) => {
      ctx.log('before');
      await hold.promise;
      ctx.log('after');
      return 'ok';
    });
    await executor.start();
    const run = aRun({ handler: 'wait' });
    await server.dispatch([run]);
    await waitFor(() => server.of('run.started.v1').length === 1, 'run.started');

    server.disconnectAll();
    await waitFor(() => server.handshakes.length === 2 && executor.stats().connections[0]!.connected, 'the executor to reconnect');
    hold.open();
    await waitFor(() => executor.stats().bufferedResults === 0 && server.resultsFor(run.runId).length > 0, 'the result');
    expect(server.resultsFor(run.runId)).toHaveLength(1);
    expect(server.resultsFor(run.runId)[0]).toMatchObject({ outcome: 'SUCCEEDED', result: 'ok' });
    const lines = server.of('run.logs.v1').flatMap((m) => m.lines.map((l: { message: string }) => l.message));
    expect(lines).toEqual(['before', 'after']);
  });

  it('keeps results finished while the server is down and delivers them, after their logs, once it is back', async () => {
    const server = await h.server();
    const executor = h.executor(server);
    const hold = gate();
    executor.handle('wait', async (ctx) => {
      await hold.promise;
      ctx.log('finished while the server was down');
      return { late: true };
    });
    await executor.start();
    const run = aRun({ handler: 'wait' });
    await server.dispatch([run]);
    await waitFor(() => server.of('run.started.v1').length === 1, 'run.started');

    await server.stop();
    await waitFor(() => !executor.stats().connections[0]!.connected, 'the executor to notice');
    hold.open();
    await waitFor(() => executor.stats().inFlight === 0, 'the run to finish');
    expect(executor.stats().bufferedResults).toBe(1);

    await server.restart();
    await waitFor(() => executor.stats().bufferedResults === 0, 'the outbox to empty', 10_000);
    expect(server.resultsFor(run.runId)).toHaveLength(1);
    expect(server.resultsFor(run.runId)[0]).toMatchObject({ outcome: 'SUCCEEDED', result: { late: true } });
    const events = server.received.filter((r) => r.msg.runId === run.runId).map((r) => r.event);
    expect(events).toEqual(['run.started.v1', 'run.logs.v1', 'run.result.v1']);
    expect(server.of('run.logs.v1')[0]).toMatchObject({ seq: 1, lines: [{ message: 'finished while the server was down' }] });
  });

  it('bounds the outbox: beyond maxBufferedResults the oldest result is dropped with an error', async () => {
    const logger = memoryLogger();
    const server = await h.server();
    const executor = h.executor(server, { maxBufferedResults: 2, concurrency: 3, logger });
    const hold = gate();
    executor.handle('wait', () => hold.promise.then(() => 'x'));
    await executor.start();
    const runs = [aRun({ handler: 'wait' }), aRun({ handler: 'wait' }), aRun({ handler: 'wait' })];
    await server.dispatch(runs);
    await server.stop();
    await waitFor(() => !executor.stats().connections[0]!.connected, 'the executor to notice');
    hold.open();
    await waitFor(() => executor.stats().inFlight === 0, 'the runs to finish');
    expect(executor.stats().bufferedResults).toBe(2);
    expect(logger.has('error', `dropped the unacknowledged result of run ${runs[0]!.runId}`)).toBe(true);

    await server.restart();
    await waitFor(() => executor.stats().bufferedResults === 0, 'the kept results to go out', 10_000);
    expect(server.of('run.result.v1').map((m) => m.runId)).toEqual([runs[1]!.runId, runs[2]!.runId]);
  });

  it('drops a result the server refuses (accepted false) and logs why', async () => {
    const logger = memoryLogger();
    const server = await h.server({ resultReply: () => ({ accepted: false, reason: 'the run already ended as LOST' }) });
    const executor = h.executor(server, { logger });
    executor.handle('quick', () => 'x');
    await executor.start();
    const run = aRun({ handler: 'quick' });
    await server.dispatch([run]);
    await waitFor(() => logger.has('warn', 'the run already ended as LOST'), 'the warning');
    expect(executor.stats().bufferedResults).toBe(0);
    expect(server.resultsFor(run.runId)).toHaveLength(1);
  });
});
