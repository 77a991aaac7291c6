import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, DispatchMessage, DispatchReply, JobDto, Page, RetryDto, RunDispatch, RunDto } from '@baton/protocol';
import { sqlDialect } from '../../src/database/sql-dialect.js';
import { RetriesRepository } from '../../src/modules/retries/retries.repository.js';
import { RetryPlanner } from '../../src/modules/retries/retry-planner.js';
import { RetrySweeper, SWEEP_GRACE_MS } from '../../src/modules/retries/retry-sweeper.js';
import { RunEvents } from '../../src/modules/runs/run-events.js';
import { LeaderLeaseRepository } from '../../src/modules/scheduler/leader-lease.repository.js';
import { LeaseLostError } from '../../src/modules/scheduler/leader-duty.js';
import { newApp, newJob } from '../support/builders.js';
import { waitFor } from '../support/poll.js';
import { connectRaw, handshake, type RawSocket } from '../support/raw-executor.js';
import { runsOfJob } from '../support/runs.js';
import { sql, insertedId } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// A real leader (dispatcher, recoverer, planner) with fast timings; executors are bare
// socket.io clients that report whatever outcome a test asks for. RUN_LEASE_MS is short so a
// run whose executor goes silent is LOST within about a second.
let server: TestServer;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    label: 'retries',
    env: { LEADER_LEASE_TTL_MS: '3000', LEADER_RENEW_INTERVAL_MS: '300', TRIGGER_TICK_MS: '100', DISPATCH_POLL_MS: '50', RECOVERY_INTERVAL_MS: '200', EXECUTOR_HEARTBEAT_INTERVAL_MS: '500', RUN_LEASE_MS: '1000' },
  });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

type Outcome = { outcome: 'SUCCEEDED' } | { outcome: 'FAILED' | 'TIMED_OUT'; retryable?: boolean } | 'hold';

/** An executor of `handler` that accepts every run, starts it, and reports `decide(run)` ('hold': never reports, so the run is LOST). */
async function executor(app: AppWithTokenDto, handler: string, decide: (run: RunDispatch) => Outcome): Promise<RunDispatch[]> {
  const { socket } = await connectRaw(server.url, handshake(app.name, app.token, { handlers: [handler], concurrency: 8 }));
  sockets.push(socket);
  const seen: RunDispatch[] = [];
  socket.on('run.dispatch.v1', (msg: DispatchMessage, ack: (reply: DispatchReply) => void) => {
    ack({ accepted: msg.runs.map((r) => r.runId), rejected: [] });
    for (const run of msg.runs) {
      seen.push(run);
      setTimeout(() => void report(socket, run, decide(run)), 20);
    }
  });
  return seen;
}

async function report(socket: RawSocket, run: RunDispatch, outcome: Outcome): Promise<void> {
  const ref = { runId: run.runId, attempt: run.attempt };
  await socket.timeout(5000).emitWithAck('run.started.v1', { ...ref, startedAt: new Date().toISOString() });
  if (outcome === 'hold') return;
  const end = outcome.outcome === 'SUCCEEDED' ? { result: { ok: true } } : { error: { message: `attempt ${run.attempt} failed`, retryable: outcome.retryable ?? true } };
  await socket.timeout(5000).emitWithAck('run.result.v1', { ...ref, outcome: outcome.outcome, finishedAt: new Date().toISOString(), ...end });
}

const FAIL: Outcome = { outcome: 'FAILED' };
const OK: Outcome = { outcome: 'SUCCEEDED' };
const ms = (iso: string | null) => Date.parse(iso!);
const soon = () => ({ type: 'ONCE', expression: new Date(Date.now() + 300).toISOString() }) as never;
const retry = (r: Partial<RetryDto>) => ({ maxAttempts: 3, backoff: 'FIXED', delayMs: 500, maxDelayMs: 10_000, jitter: 0, ...r }) as RetryDto;

/** A job that fires once, shortly. */
function onceJob(app: AppWithTokenDto, handler: string, r: Partial<RetryDto>, params: unknown = { n: 1 }): Promise<JobDto> {
  return newJob(server.api, { app: app.name, handler, retry: retry(r), params, schedule: soon() });
}

/** Waits until the job has `count` runs and `done` holds for them; returns them oldest first. */
function runsWhen(job: JobDto, count: number, done: (runs: RunDto[]) => boolean, timeoutMs = 15_000): Promise<RunDto[]> {
  return waitFor(
    async () => {
      const runs = await runsOfJob(server.api, job.id);
      return runs.length === count && done(runs) ? runs : null;
    },
    { timeoutMs, message: `job ${job.key}: ${count} runs in the expected state` },
  );
}

const deadOf = async (job: JobDto) => (await server.api.get<Page<RunDto>>(`/runs?dead=true&job=${job.id}`)).body.items.map((r) => r.id);
const chainSize = async (rootId: string) => Number((await sql(server.db.url, 'SELECT COUNT(*) AS n FROM runs WHERE id = ? OR root_run_id = ?', [rootId, rootId]))[0].n);

describe('automatic retries', () => {
  it('FIXED: retries after the delay, twice, then the last attempt is dead and in the dead-letter list', async () => {
    const app = await newApp(server.api);
    const seen = await executor(app, 'fixed', () => FAIL);
    const job = await onceJob(app, 'fixed', { maxAttempts: 3, backoff: 'FIXED', delayMs: 500 }, { order: 42 });
    const [first, second, third] = await runsWhen(job, 3, (r) => r[2]!.dead);

    expect(first).toMatchObject({ attempt: 1, rootRunId: null, triggerType: 'ONCE', status: 'FAILED', dead: false });
    expect(second).toMatchObject({ attempt: 2, rootRunId: first!.id, triggerType: 'RETRY', status: 'FAILED', dead: false, params: { order: 42 }, fireTime: null, plannedEpoch: null });
    expect(third).toMatchObject({ attempt: 3, rootRunId: first!.id, triggerType: 'RETRY', status: 'FAILED', dead: true, statusReason: 'dead: attempts exhausted (3 of 3)' });
    // The timestamps prove the backoff: due exactly 500 ms after the previous end, and not sent before.
    expect(ms(second!.scheduledAt) - ms(first!.finishedAt)).toBe(500);
    expect(ms(third!.scheduledAt) - ms(second!.finishedAt)).toBe(500);
    expect(ms(second!.dispatchedAt)).toBeGreaterThanOrEqual(ms(first!.finishedAt) + 500);
    expect(ms(third!.dispatchedAt)).toBeGreaterThanOrEqual(ms(second!.finishedAt) + 500);
    expect(seen.map((d) => [d.attempt, d.triggerType])).toEqual([[1, 'ONCE'], [2, 'RETRY'], [3, 'RETRY']]);
    expect(await deadOf(job)).toEqual([third!.id]);
  });

  it('EXPONENTIAL: the delays double (500, then 1000 ms)', async () => {
    const app = await newApp(server.api);
    await executor(app, 'exp', () => FAIL);
    const job = await onceJob(app, 'exp', { maxAttempts: 3, backoff: 'EXPONENTIAL', delayMs: 500 });
    const [first, second, third] = await runsWhen(job, 3, (r) => r[2]!.dead);
    expect(ms(second!.scheduledAt) - ms(first!.finishedAt)).toBe(500);
    expect(ms(third!.scheduledAt) - ms(second!.finishedAt)).toBe(1000);
    expect(ms(third!.dispatchedAt)).toBeGreaterThanOrEqual(ms(second!.finishedAt) + 1000);
  });

  it('NonRetryableError (error.retryable false): dead at once, no second attempt', async () => {
    const app = await newApp(server.api);
    await executor(app, 'nonretry', () => ({ outcome: 'FAILED', retryable: false }));
    const job = await onceJob(app, 'nonretry', { maxAttempts: 3 });
    // The planner runs before the result is acknowledged, so a retry would exist by now.
    const [only] = await runsWhen(job, 1, (r) => r[0]!.dead);
    expect(only).toMatchObject({ status: 'FAILED', error: { message: 'attempt 1 failed', retryable: false }, statusReason: 'dead: the handler marked the error as not retryable (NonRetryableError)' });
    expect(await chainSize(only!.id)).toBe(1);
  });

  it('LOST counts as a failure when retryOn lists it: the next attempt runs', async () => {
    const app = await newApp(server.api);
    const seen = await executor(app, 'lost', (run) => (run.attempt === 1 ? 'hold' : OK));
    const job = await onceJob(app, 'lost', { maxAttempts: 2, delayMs: 200, retryOn: ['FAILED', 'LOST'] });
    const [first, second] = await runsWhen(job, 2, (r) => r[1]!.status === 'SUCCEEDED');
    expect(first).toMatchObject({ status: 'LOST', dead: false, statusReason: expect.stringMatching(/^lost: executor .* stopped renewing/) });
    expect(second).toMatchObject({ attempt: 2, rootRunId: first!.id, triggerType: 'RETRY', dead: false });
    expect(ms(second!.scheduledAt) - ms(first!.finishedAt)).toBe(200);
    expect(seen.map((d) => d.attempt)).toEqual([1, 2]);
  });

  it('an outcome missing from retryOn is not retried: TIMED_OUT with retryOn FAILED,LOST is dead at once', async () => {
    const app = await newApp(server.api);
    await executor(app, 'timeout', () => ({ outcome: 'TIMED_OUT' }));
    const job = await onceJob(app, 'timeout', { maxAttempts: 3, retryOn: ['FAILED', 'LOST'] });
    const [only] = await runsWhen(job, 1, (r) => r[0]!.dead);
    expect(only).toMatchObject({ status: 'TIMED_OUT', statusReason: 'dead: TIMED_OUT is not retried (retryOn: FAILED, LOST)' });
    expect(await chainSize(only!.id)).toBe(1);
  });

  it('the same failure seen twice (re-sent result, a second end event, concurrent planners) creates one next attempt', async () => {
    const app = await newApp(server.api);
    const seen = await executor(app, 'twice', () => FAIL);
    // A long delay keeps attempt 2 waiting, so only attempt 1 ends in this test.
    const job = await onceJob(app, 'twice', { maxAttempts: 3, delayMs: 60_000, maxDelayMs: 60_000 });
    const [first, second] = await runsWhen(job, 2, (r) => r[0]!.status === 'FAILED');
    expect(second).toMatchObject({ attempt: 2, status: 'SCHEDULED', statusReason: `retry of run ${first!.id} (attempt 2 of 3) after 60000 ms backoff` });

    const resent = { runId: first!.id, attempt: 1, outcome: 'FAILED', error: { message: 'attempt 1 failed', retryable: true }, finishedAt: first!.finishedAt };
    const { socket } = await connectRaw(server.url, handshake(app.name, app.token, { handlers: ['twice'] }));
    sockets.push(socket);
    expect(await socket.timeout(5000).emitWithAck('run.result.v1', resent)).toEqual({ accepted: true });

    const run = (await server.app.get(RetriesRepository).findRun(first!.id))!;
    await server.app.get(RunEvents).runEnded(run);
    const planner = server.app.get(RetryPlanner);
    const outcomes = await Promise.all([planner.plan(run), planner.plan(run), planner.plan(run)]);
    expect(outcomes.map((o) => (o.kind === 'retry' ? o.runId : o.kind))).toEqual([second!.id, second!.id, second!.id]);
    expect(await chainSize(first!.id)).toBe(2);
    expect(seen).toHaveLength(1);
  });
});

describe('POST /runs/:id/retry', () => {
  it('retries a dead run: a new attempt of its chain is dispatched, and the run leaves the dead-letter list', async () => {
    const app = await newApp(server.api);
    const seen = await executor(app, 'manual', (run) => (run.attempt === 1 ? FAIL : OK));
    const job = await onceJob(app, 'manual', { maxAttempts: 1 }, { p: 'same' });
    const [dead] = await runsWhen(job, 1, (r) => r[0]!.dead);
    expect(dead!.statusReason).toBe('dead: attempts exhausted (1 of 1)');
    expect(await deadOf(job)).toEqual([dead!.id]);

    const res = await server.api.post<RunDto>(`/runs/${dead!.id}/retry`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ jobId: job.id, jobKey: job.key, attempt: 2, rootRunId: dead!.id, triggerType: 'RETRY', params: { p: 'same' }, dead: false });
    expect(ms(res.body.scheduledAt)).toBeGreaterThanOrEqual(ms(dead!.finishedAt));

    const [, next] = await runsWhen(job, 2, (r) => r[1]!.status === 'SUCCEEDED');
    expect(next!.id).toBe(res.body.id);
    expect(seen.map((d) => [d.attempt, d.triggerType])).toEqual([[1, 'ONCE'], [2, 'RETRY']]);
    expect((await server.api.get<RunDto>(`/runs/${dead!.id}`)).body.dead).toBe(false);
    expect(await deadOf(job)).toEqual([]);

    const succeeded = await server.api.post(`/runs/${next!.id}/retry`);
    expect(succeeded.status).toBe(409);
    expect(succeeded.body).toMatchObject({ code: 'RUN_NOT_RETRYABLE', details: { status: 'SUCCEEDED', dead: false } });
    expect(succeeded.body.message).toMatch(new RegExp(`^Run ${next!.id} cannot be retried: it ended SUCCEEDED`));
  });

  it('concurrent retries of one dead run create one attempt: 202 for the call that made it, 200 with the same run for the others', async () => {
    const app = await newApp(server.api);
    // The retry is held running, so the second call finds it under way whichever way it loses the race.
    await executor(app, 'race', (run) => (run.attempt === 1 ? FAIL : 'hold'));
    const job = await onceJob(app, 'race', { maxAttempts: 1 });
    const [dead] = await runsWhen(job, 1, (r) => r[0]!.dead);
    const calls = await Promise.all([1, 2, 3, 4].map(() => server.api.post<RunDto>(`/runs/${dead!.id}/retry`)));
    expect(calls.map((c) => c.status).sort()).toEqual([200, 200, 200, 202]);
    const a = calls[0]!;
    expect(new Set(calls.map((c) => c.body.id))).toEqual(new Set([a.body.id]));
    expect(a.body).toMatchObject({ attempt: 2, rootRunId: dead!.id });
    expect(await chainSize(dead!.id)).toBe(2);
    // A later call while the attempt is still going is answered the same way.
    const again = await server.api.post<RunDto>(`/runs/${dead!.id}/retry`);
    expect([again.status, again.body.id]).toEqual([200, a.body.id]);
  });

  it('refuses a run still going (409), and answers unknown (404) and malformed (400) ids', async () => {
    const app = await newApp(server.api);
    await executor(app, 'busy', () => 'hold');
    const job = await onceJob(app, 'busy', { maxAttempts: 1 });
    const [running] = await runsWhen(job, 1, (r) => r[0]!.status === 'RUNNING');
    const busy = await server.api.post(`/runs/${running!.id}/retry`);
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ code: 'RUN_NOT_RETRYABLE', message: `Run ${running!.id} cannot be retried: it is still RUNNING; wait for it to end, or kill it first.` });
    expect((await server.api.post('/runs/999999999/retry')).body).toMatchObject({ code: 'RUN_NOT_FOUND' });
    const bad = await server.api.post('/runs/abc/retry');
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_ID']);
  });
});

describe('POST /runs/retry (bulk)', () => {
  let app: AppWithTokenDto;
  let seen: RunDispatch[];
  beforeAll(async () => {
    app = await newApp(server.api);
    seen = await executor(app, 'bulk', () => OK);
  });
  const quietJob = () => newJob(server.api, { app: app.name, handler: 'bulk', schedule: { type: 'NONE', expression: null } as never, retry: retry({ maxAttempts: 1 }) });

  /** A dead first attempt, as a failure of a job without retries leaves it. */
  async function deadRun(job: JobDto, status = 'FAILED', dead = 1): Promise<string> {
    const at = new Date(Date.now() - 60_000);
    const r: any = await sql(
      server.db.url,
      `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, attempt, retryable, dead, params, finished_at, created_at, updated_at)
       VALUES (?, ?, 'MANUAL', ?, ?, 1, 1, ?, '{"bulk":true}', ?, ?, ?)`,
      [job.id, job.appId, status, at, dead, at, at, at],
    );
    return insertedId(r);
  }

  it('by ids: retries the dead ones in order, skips the rest with the reason', async () => {
    const job = await quietJob();
    const [d1, d2, ok] = [await deadRun(job), await deadRun(job), await deadRun(job, 'SUCCEEDED', 0)];
    const res = await server.api.post<any>('/runs/retry', { ids: [d2, d1, ok, '999999999', d2] });
    expect(res.status).toBe(202);
    expect(res.body.retried.map((r: RunDto) => [r.rootRunId, r.attempt, r.triggerType, r.jobKey])).toEqual([
      [d2, 2, 'RETRY', job.key],
      [d1, 2, 'RETRY', job.key],
    ]);
    expect(res.body.skipped).toEqual([
      { runId: '999999999', reason: 'no such run' },
      { runId: ok, reason: 'not dead (it is SUCCEEDED); bulk retries take dead runs only' },
    ]);
    await runsWhen(job, 5, (runs) => runs.filter((r) => r.attempt === 2).every((r) => r.status === 'SUCCEEDED'));
    expect(await deadOf(job)).toEqual([]);
    expect(seen.filter((d) => d.jobId === job.id).map((d) => d.params)).toEqual([{ bulk: true }, { bulk: true }]);
    // Again: nothing is dead any more.
    const again = await server.api.post<any>('/runs/retry', { ids: [d1] });
    expect(again.body).toEqual({ retried: [], skipped: [{ runId: d1, reason: 'not dead (it is FAILED); bulk retries take dead runs only' }] });
  });

  it('by job filter: every dead run of that job, oldest first; then by app', async () => {
    const [job, other] = [await quietJob(), await quietJob()];
    const dead = [await deadRun(job), await deadRun(job), await deadRun(job)];
    const otherDead = await deadRun(other);
    const res = await server.api.post<any>('/runs/retry', { job: job.key });
    expect(res.status).toBe(202);
    expect(res.body.retried.map((r: RunDto) => r.rootRunId)).toEqual(dead);
    expect(res.body.skipped).toEqual([]);
    expect(await deadOf(other)).toEqual([otherDead]);
    const byApp = await server.api.post<any>('/runs/retry', { app: app.name });
    expect(byApp.body.retried.map((r: RunDto) => r.rootRunId)).toEqual([otherDead]);
    await runsWhen(job, 6, (runs) => runs.filter((r) => r.attempt === 2).every((r) => r.status === 'SUCCEEDED'));
  });

  it.each([
    ['both ids and a filter', { ids: ['1'], job: 'a:b' }, 'job', /cannot be combined with ids/],
    ['neither', {}, 'ids', /send ids \(run ids\), or a filter/],
    ['an empty ids list', { ids: [] }, 'ids', /at least 1/],
    ['too many ids', { ids: Array.from({ length: 1001 }, (_, i) => String(i + 1)) }, 'ids', /no more than 1000/],
    ['an id that is not a number', { ids: ['abc'] }, 'ids', /each id must be a run id/],
    ['an unknown field', { ids: ['1'], force: true }, 'force', /is not a known field/],
  ])('refuses %s (400)', async (_label, body, field, message) => {
    const res = await server.api.post('/runs/retry', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
  });

  it('404s an unknown job or app filter', async () => {
    expect((await server.api.post('/runs/retry', { job: 'nope:nope' })).body.code).toBe('JOB_NOT_FOUND');
    expect((await server.api.post('/runs/retry', { app: 'no-such-app' })).body.code).toBe('APP_NOT_FOUND');
  });

  it('is documented in OpenAPI under the runs tag', async () => {
    const doc: any = await (await fetch(`${server.url}/api/docs-json`)).json();
    for (const path of ['/api/v1/runs/{id}/retry', '/api/v1/runs/retry']) {
      expect(doc.paths[path].post.tags).toEqual(['runs']);
      expect(doc.paths[path].post.description).toBeTruthy();
    }
  });
});

describe('RetrySweeper (driven by hand)', () => {
  // Its own server that never campaigns: the sweep runs only when a test calls it, with a term
  // taken through the lease repository.
  let node: TestServer;
  let term: { nodeId: string; epoch: string };
  let job: JobDto;
  let noRetryJob: JobDto;
  beforeAll(async () => {
    node = await startTestServer({ label: 'retrysweep', env: { SCHEDULER_ENABLED: 'false' } });
    const app = await newApp(node.api);
    job = await newJob(node.api, { app: app.name, schedule: { type: 'NONE', expression: null } as never, retry: retry({ maxAttempts: 3, delayMs: 500 }) });
    noRetryJob = await newJob(node.api, { app: app.name, schedule: { type: 'NONE', expression: null } as never, retry: retry({ maxAttempts: 1 }) });
    const claim = await node.app.get(LeaderLeaseRepository).claim('test-node', 600_000);
    term = { nodeId: 'test-node', epoch: claim.epoch };
  });
  afterAll(async () => {
    await node?.close();
  });

  const ago = (msAgo: number) => new Date(Date.now() - msAgo);
  /** A run row as a crash would leave it: ended, but neither retried nor marked dead. */
  async function endedRun(j: JobDto, o: { status?: string; createdAgo: number; finishedAgo: number | null; attempt?: number; root?: string | null }): Promise<string> {
    const r: any = await sql(
      node.db.url,
      `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, attempt, root_run_id, retryable, dead, finished_at, created_at, updated_at)
       VALUES (?, ?, 'MANUAL', ?, ?, ?, ?, 1, 0, ?, ?, ?)`,
      [j.id, j.appId, o.status ?? 'FAILED', ago(o.createdAgo), o.attempt ?? 1, o.root ?? null, o.finishedAgo === null ? null : ago(o.finishedAgo), ago(o.createdAgo), ago(o.createdAgo)],
    );
    return insertedId(r);
  }
  const row = async (id: string) => (await sql(node.db.url, 'SELECT * FROM runs WHERE id = ?', [id]))[0];
  const nextOf = async (id: string) => (await sql(node.db.url, 'SELECT * FROM runs WHERE root_run_id = ? ORDER BY attempt', [id]))[0];
  const sweeper = () => node.app.get(RetrySweeper);
  const chainSize2 = async (rootId: string) => Number((await sql(node.db.url, 'SELECT COUNT(*) AS n FROM runs WHERE id = ? OR root_run_id = ?', [rootId, rootId]))[0].n);

  it('plans the retries and dead letters the planner missed, fenced; leaves settled, too recent and too old runs alone', async () => {
    const old = await endedRun(job, { createdAgo: 2 * 86_400_000, finishedAgo: 2 * 86_400_000 - 60_000 });
    const missed = await endedRun(job, { createdAgo: 60_000, finishedAgo: 30_000 });
    const exhausted = await endedRun(noRetryJob, { status: 'LOST', createdAgo: 60_000, finishedAgo: 30_000 });
    const settled = await endedRun(job, { createdAgo: 60_000, finishedAgo: 30_000 });
    await endedRun(job, { status: 'SCHEDULED', createdAgo: 20_000, finishedAgo: null, attempt: 2, root: settled });
    const recent = await endedRun(job, { createdAgo: 5_000, finishedAgo: 1_000 });

    // A node that lost the lease writes nothing.
    await expect(sweeper().runOnce({ nodeId: 'test-node', epoch: '999999' })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await nextOf(missed)).toBeUndefined();

    expect(await sweeper().runOnce(term)).toEqual({ retried: 1, dead: 1, deferred: 1 });
    const next = await nextOf(missed);
    expect(next).toMatchObject({ attempt: 2, trigger_type: 'RETRY', status: 'SCHEDULED', status_reason: `retry of run ${missed} (attempt 2 of 3) after 500 ms backoff`, fire_time: null, planned_epoch: null });
    expect(String(next.root_run_id)).toBe(missed);
    expect(new Date(next.scheduled_at).getTime() - new Date((await row(missed)).finished_at).getTime()).toBe(500);
    expect(await row(exhausted)).toMatchObject({ dead: 1, status_reason: 'dead: attempts exhausted (1 of 1)' });
    expect(await row(old)).toMatchObject({ dead: 0 });
    expect(await nextOf(old)).toBeUndefined();
    expect(await chainSize2(settled)).toBe(2);
    expect(await nextOf(recent)).toBeUndefined();

    // Once past the grace, the recent one is planned too; everything else is settled.
    await sql(node.db.url, 'UPDATE runs SET finished_at = ? WHERE id = ?', [ago(SWEEP_GRACE_MS + 1_000), recent]);
    expect(await sweeper().runOnce(term)).toEqual({ retried: 1, dead: 0, deferred: 0 });
    expect(await nextOf(recent)).toMatchObject({ attempt: 2 });
    expect(await sweeper().runOnce(term)).toEqual({ retried: 0, dead: 0, deferred: 0 });
  });

  it('a run that was still open at one pass and ended (losing its planning) before the next is found, though newer runs settled', async () => {
    // Only this test's rows are open or recent, so nothing else holds the floor down.
    await sql(node.db.url, "UPDATE runs SET status = 'CANCELLED' WHERE status = 'SCHEDULED'");
    await sql(node.db.url, `UPDATE runs SET created_at = ${sqlDialect(node.db.engine === 'sqlite' ? 'sqlite' : 'mysql').plusMs('created_at', '-3600000')}`);
    const longRunning = await endedRun(job, { status: 'RUNNING', createdAgo: 30 * 60_000, finishedAgo: null });
    const newer = await endedRun(job, { createdAgo: 60_000, finishedAgo: 30_000 });
    expect(await sweeper().runOnce(term)).toEqual({ retried: 1, dead: 0, deferred: 0 });
    expect(await nextOf(newer)).toMatchObject({ attempt: 2 });

    await sql(node.db.url, "UPDATE runs SET status = 'FAILED', finished_at = ? WHERE id = ?", [ago(20_000), longRunning]);
    expect(await sweeper().runOnce(term)).toEqual({ retried: 1, dead: 0, deferred: 0 });
    expect(await nextOf(longRunning)).toMatchObject({ attempt: 2, trigger_type: 'RETRY' });
  });

});
