import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DispatchMessage, DispatchReply, RunDto, TriggerBatchResponse } from '@baton/protocol';
import { DispatchRepository } from '../../src/modules/dispatch/dispatch.repository.js';
import { newApp, newJob } from '../support/builders.js';
import { waitFor } from '../support/poll.js';
import { connectRaw, handshake, type RawSocket } from '../support/raw-executor.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * How the leader counts an executor's free slots. Its count comes from its own dispatches and
 * from the executor's heartbeats; these stage the interleavings that once made it wrong, with a
 * raw executor that answers dispatches and heartbeats exactly when the test says.
 */

let server: TestServer;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    label: 'dispcap',
    env: { LEADER_LEASE_TTL_MS: '3000', LEADER_RENEW_INTERVAL_MS: '300', DISPATCH_POLL_MS: '50', RECOVERY_INTERVAL_MS: '200', DISPATCH_ACK_TIMEOUT_MS: '15000', RUN_LEASE_MS: '30000' },
  });
  await waitFor(async () => (await server.api.get('/cluster')).body.leader, { message: 'a leader' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

interface PendingDispatch {
  msg: DispatchMessage;
  answer: (reply: DispatchReply) => void;
}

/** A raw executor of a fresh app whose dispatches queue up until the test answers them. */
async function rawExecutor(concurrency: number) {
  const app = await newApp(server.api);
  const { socket } = await connectRaw(server.url, handshake(app.name, app.token, { handlers: ['cap.job'], concurrency }));
  sockets.push(socket);
  const dispatches: PendingDispatch[] = [];
  socket.on('run.dispatch.v1', (msg: DispatchMessage, answer: (r: DispatchReply) => void) => dispatches.push({ msg, answer }));
  const job = await newJob(server.api, { app: app.name, handler: 'cap.job', blockStrategy: 'PARALLEL' });
  const trigger = async (): Promise<string> => {
    const res = await server.api.post(`/jobs/${job.key}/trigger`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return (res.body as RunDto).id;
  };
  /** A heartbeat, answered by the server (so processed) before this resolves. */
  const heartbeat = (runIds: string[]) =>
    socket.timeout(5000).emitWithAck('heartbeat.v1', { inFlight: runIds.map((runId) => ({ runId, attempt: 1 })), pendingResults: [], draining: false });
  const triggerBatch = async (count: number): Promise<string[]> => {
    const res = await server.api.post(`/jobs/${job.key}/trigger-batch`, { requests: Array.from({ length: count }, () => ({})) });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBeLessThan(300);
    return (res.body as TriggerBatchResponse).items.map((item) => item.run!.id);
  };
  const finish = (runId: string) => socket.timeout(5000).emitWithAck('run.result.v1', { runId, attempt: 1, outcome: 'SUCCEEDED', finishedAt: new Date().toISOString(), result: null });
  return { socket, dispatches, trigger, triggerBatch, heartbeat, finish };
}

const runOf = async (id: string) => (await server.api.get<RunDto>(`/runs/${id}`)).body;

describe('the leader\'s count of an executor\'s free slots', () => {
  it('keeps a run whose dispatch is unanswered through a heartbeat sent before it arrived, so a full executor gets nothing more', async () => {
    const exec = await rawExecutor(1);
    const first = await exec.trigger();
    await waitFor(() => exec.dispatches.length === 1, { message: 'the first run is dispatched' });
    expect(exec.dispatches[0]!.msg.runs.map((r) => r.runId)).toEqual([first]);
    // A heartbeat the executor sent before the dispatch reached it: it holds nothing yet.
    expect(await exec.heartbeat([])).toEqual({ ok: true });

    const second = await exec.trigger();
    const waiting = await waitFor(async () => {
      const run = await runOf(second);
      return run.status !== 'SCHEDULED' || run.statusReason?.startsWith('waiting:') ? run : null;
    }, { message: 'the second run is dispatched or told to wait' });
    // The only slot is taken by the unanswered first run: the second waits instead of being refused.
    expect(waiting).toMatchObject({ status: 'SCHEDULED', statusReason: 'waiting: all 1 executors are busy (at their concurrency limit)', dispatchCount: 0 });
    expect(exec.dispatches).toHaveLength(1);

    exec.dispatches[0]!.answer({ accepted: [first], rejected: [] });
    expect(await exec.finish(first)).toMatchObject({ accepted: true });
    await waitFor(() => exec.dispatches.length === 2, { message: 'the second run goes out once the slot is free' });
    expect(exec.dispatches[1]!.msg.runs.map((r) => r.runId)).toEqual([second]);
  });

  it('offers a run refused AT_CAPACITY to the same executor again once its heartbeat shows a free slot, instead of excluding it', async () => {
    const exec = await rawExecutor(2);
    const run = await exec.trigger();
    await waitFor(() => exec.dispatches.length === 1, { message: 'the run is dispatched' });
    // The executor was fuller than the leader knew.
    exec.dispatches[0]!.answer({ accepted: [], rejected: [{ runId: run, reason: 'AT_CAPACITY' }] });
    const waiting = await waitFor(async () => {
      const r = await runOf(run);
      return r.status === 'SCHEDULED' && r.statusReason?.startsWith('waiting:') ? r : null;
    }, { message: 'the refused run waits' });
    expect(waiting).toMatchObject({ statusReason: 'waiting: all 1 executors are busy (at their concurrency limit)', dispatchCount: 1 });
    expect(exec.dispatches).toHaveLength(1);

    // Its next heartbeat says what it holds: a slot is free, and the run goes to it again.
    expect(await exec.heartbeat([])).toEqual({ ok: true });
    await waitFor(() => exec.dispatches.length === 2, { message: 'the run is offered again' });
    expect(exec.dispatches[1]!.msg.runs.map((r) => r.runId)).toEqual([run]);
    exec.dispatches[1]!.answer({ accepted: [run], rejected: [] });
    expect(await exec.finish(run)).toMatchObject({ accepted: true });
    expect(await runOf(run)).toMatchObject({ status: 'SUCCEEDED', dispatchCount: 2 });
  });

  it('says a run waits out the exclusion of the only executor that refused it for another reason, not that none is online', async () => {
    const exec = await rawExecutor(2);
    const run = await exec.trigger();
    await waitFor(() => exec.dispatches.length === 1, { message: 'the run is dispatched' });
    exec.dispatches[0]!.answer({ accepted: [], rejected: [{ runId: run, reason: 'UNKNOWN_HANDLER' }] });
    const waiting = await waitFor(async () => {
      const r = await runOf(run);
      return r.status === 'SCHEDULED' && r.statusReason?.startsWith('waiting:') ? r : null;
    }, { message: 'the refused run waits' });
    expect(waiting.statusReason).toBe('waiting: every executor that could take it failed to take it in the last 30 s; it is offered again after that');
    expect(exec.dispatches).toHaveLength(1);
  });

  it('shows why a backlog waits with one write per reason and pass, not one per run', async () => {
    const exec = await rawExecutor(1);
    const repo = server.app.get(DispatchRepository);
    const writes: number[] = [];
    const original = repo.setWaitingReason.bind(repo);
    const spy = vi.spyOn(repo, 'setWaitingReason').mockImplementation(async (runIds, reason) => {
      writes.push(runIds.length);
      return original(runIds, reason);
    });
    try {
      const first = await exec.trigger();
      await waitFor(() => exec.dispatches.length === 1, { message: 'the first run is dispatched' });
      const backlog = await exec.triggerBatch(30);
      await waitFor(async () => {
        const runs = await Promise.all(backlog.map(runOf));
        return runs.every((r) => r.statusReason === 'waiting: all 1 executors are busy (at their concurrency limit)');
      }, { message: 'the backlog shows why it waits' });
      expect(exec.dispatches).toHaveLength(1);
      // Each pass parks every waiting run of a reason with one write (before: one write per run).
      expect(Math.max(...writes)).toBeGreaterThan(1);
      expect(writes.length).toBeLessThan(backlog.length);
      exec.dispatches[0]!.answer({ accepted: [first], rejected: [] });
    } finally {
      spy.mockRestore();
    }
  });
});
