import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, CreateJobRequest, DispatchMessage, ExecutorOutcome, JobDto, Page, RunDispatch, RunDto } from '@baton/protocol';
import { ChildStarter } from '../../src/modules/children/child-starter.js';
import { ChildSweeper } from '../../src/modules/children/child-sweeper.js';
import { ChildrenRepository } from '../../src/modules/children/children.repository.js';
import { newApp, newJob } from '../support/builders.js';
import { waitFor } from '../support/poll.js';
import { connectRaw, handshake, type RawSocket } from '../support/raw-executor.js';
import { runsOfJob } from '../support/runs.js';
import { sql, insertedId } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MAX_DEPTH = 2;

let server: TestServer;
let app: AppWithTokenDto;
let socket: RawSocket;
const sockets: RawSocket[] = [];
/** Every dispatch any raw executor received, by run id. */
const dispatched = new Map<string, RunDispatch>();

beforeAll(async () => {
  server = await startTestServer({
    label: 'children',
    env: {
      LEADER_LEASE_TTL_MS: '3000',
      LEADER_RENEW_INTERVAL_MS: '300',
      DISPATCH_POLL_MS: '50',
      RECOVERY_INTERVAL_MS: '200',
      EXECUTOR_HEARTBEAT_INTERVAL_MS: '500',
      CHILD_CHAIN_MAX_DEPTH: String(MAX_DEPTH),
    },
  });
  app = await newApp(server.api);
  socket = await executor(['parent', 'child', 'broadcast']);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

/** A raw executor of the test app that accepts every dispatch and records it. */
async function executor(handlers: string[]): Promise<RawSocket> {
  const { socket: s } = await connectRaw(server.url, handshake(app.name, app.token, { handlers, concurrency: 50 }));
  sockets.push(s);
  s.on('run.dispatch.v1', (msg: DispatchMessage, ack: (r: unknown) => void) => {
    for (const r of msg.runs) dispatched.set(r.runId, r);
    ack({ accepted: msg.runs.map((r) => r.runId), rejected: [] });
  });
  return s;
}

/** Reports a run's end; resolves once the server has recorded it (and run its end listeners). */
async function finish(runId: string, outcome: ExecutorOutcome, result?: unknown, via: RawSocket = socket): Promise<{ accepted: boolean }> {
  const sent = await waitFor(() => dispatched.get(runId), { message: `run ${runId} is dispatched` });
  return via.timeout(5000).emitWithAck('run.result.v1', {
    runId,
    attempt: sent.attempt,
    outcome,
    result,
    error: outcome === 'SUCCEEDED' ? undefined : { message: 'boom', retryable: true },
    finishedAt: new Date().toISOString(),
  });
}

const NONE = { type: 'NONE', expression: null } as never;

function job(overrides: Partial<CreateJobRequest> = {}): Promise<JobDto> {
  return newJob(server.api, { app: app.name, handler: 'child', blockStrategy: 'PARALLEL', schedule: NONE, ...overrides });
}

/** A parent job with three children: one per condition. */
async function family(parent: Partial<CreateJobRequest> = {}) {
  const onSuccess = await job({ params: { role: 'on-success' } });
  const onFailure = await job({ params: { role: 'on-failure' } });
  const always = await job({ params: { role: 'always' } });
  const p = await job({
    handler: 'parent',
    children: [
      { job: onSuccess.key, on: 'SUCCESS' },
      { job: onFailure.key, on: 'FAILURE' },
      { job: always.key, on: 'ALWAYS' },
    ],
    ...parent,
  });
  return { parent: p, onSuccess, onFailure, always };
}

const trigger = async (j: JobDto, body: object = {}): Promise<RunDto> => (await server.api.post<RunDto>(`/jobs/${j.key}/trigger`, body)).body;
const childrenOf = async (runId: string, query = ''): Promise<Page<RunDto>> => (await server.api.get<Page<RunDto>>(`/runs/${runId}/children${query}`)).body;
const byJob = (runs: RunDto[]) => new Map(runs.map((r) => [r.jobId, r]));

describe('starting children when a run ends', () => {
  it('a success starts the SUCCESS and ALWAYS children, with the parent\'s result in ctx.parent; the FAILURE child does not start', async () => {
    const f = await family();
    const parentRun = await trigger(f.parent);
    expect((await finish(parentRun.id, 'SUCCEEDED', { n: 42 })).accepted).toBe(true);

    // The listener ran before the result was acknowledged: the children are there already.
    const children = (await childrenOf(parentRun.id)).items;
    expect(children.map((c) => c.jobId).sort()).toEqual([f.onSuccess.id, f.always.id].sort());
    for (const c of children) {
      expect(c).toMatchObject({ triggerType: 'CHILD', parentRunId: parentRun.id, attempt: 1, fireTime: null, shard: { index: 0, total: 1 } });
      expect(Math.abs(Date.parse(c.scheduledAt) - Date.now())).toBeLessThan(5000);
    }
    expect(byJob(children).get(f.onSuccess.id)!.params).toEqual({ role: 'on-success' });
    expect(byJob(children).get(f.always.id)!.params).toEqual({ role: 'always' });
    const rows = await sql(server.db.url, 'SELECT chain_depth, idempotency_key FROM runs WHERE parent_run_id = ?', [parentRun.id]);
    expect(rows.map((r) => [Number(r.chain_depth), r.idempotency_key])).toEqual([
      [1, `child-of:${parentRun.id}`],
      [1, `child-of:${parentRun.id}`],
    ]);
    expect(await runsOfJob(server.api, f.onFailure.id)).toEqual([]);

    // Each child is dispatched with its parent: the SDK's ctx.parent.
    for (const c of children) {
      const sent = await waitFor(() => dispatched.get(c.id), { message: `child ${c.id} is dispatched` });
      expect(sent.parent).toEqual({ runId: parentRun.id, jobKey: f.parent.key, status: 'SUCCEEDED', result: { n: 42 } });
      expect(sent.triggerType).toBe('CHILD');
      await finish(c.id, 'SUCCEEDED');
    }
    expect(await runsOfJob(server.api, f.onFailure.id)).toEqual([]);
  });

  it('a failure with no retries left starts the FAILURE and ALWAYS children', async () => {
    const f = await family();
    const parentRun = await trigger(f.parent);
    await finish(parentRun.id, 'FAILED');
    const children = (await childrenOf(parentRun.id)).items;
    expect(children.map((c) => c.jobId).sort()).toEqual([f.onFailure.id, f.always.id].sort());
    const sent = await waitFor(() => dispatched.get(byJob(children).get(f.onFailure.id)!.id), { message: 'the FAILURE child is dispatched' });
    expect(sent.parent).toMatchObject({ runId: parentRun.id, status: 'FAILED', result: null });
    expect(await runsOfJob(server.api, f.onSuccess.id)).toEqual([]);
    for (const c of children) await finish(c.id, 'SUCCEEDED');
  });

  it('a failure that will be retried starts nothing; the last attempt\'s end decides', async () => {
    const f = await family({ retry: { maxAttempts: 2, backoff: 'FIXED', delayMs: 100, jitter: 0 } });
    const first = await trigger(f.parent);
    await finish(first.id, 'FAILED');
    expect((await childrenOf(first.id)).items).toEqual([]);
    const second = await waitFor(async () => (await runsOfJob(server.api, f.parent.id)).find((r) => r.attempt === 2), { message: 'the retry is planned' });
    await finish(second.id, 'TIMED_OUT');
    const children = (await childrenOf(second.id)).items;
    expect(children.map((c) => c.jobId).sort()).toEqual([f.onFailure.id, f.always.id].sort());
    expect((await childrenOf(first.id)).items).toEqual([]);
    for (const c of children) await finish(c.id, 'SUCCEEDED');
  });

  it('a cancelled run starts no children, not even ALWAYS ones', async () => {
    const f = await family();
    const run = await trigger(f.parent, { delay: 60_000 });
    expect((await server.api.post(`/runs/${run.id}/cancel`)).status).toBe(200);
    expect((await childrenOf(run.id)).items).toEqual([]);
    expect(await runsOfJob(server.api, f.always.id)).toEqual([]);
  });
});

describe('idempotency', () => {
  it('the same end reported or seen twice, even at once, starts each child once', async () => {
    const f = await family();
    const parentRun = await trigger(f.parent);
    await finish(parentRun.id, 'SUCCEEDED', { ok: 1 });
    // The executor re-sends the result (its ack was lost): accepted, nothing new.
    expect((await finish(parentRun.id, 'SUCCEEDED', { ok: 1 })).accepted).toBe(true);
    // The end is seen again, several times at once (another node, the sweeper).
    const starter = server.app.get(ChildStarter);
    const entity = (await server.app.get(ChildrenRepository).findRun(parentRun.id))!;
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => starter.runEnded(entity)));
    for (const o of outcomes) expect(o).toMatchObject({ kind: 'started', parentRunId: parentRun.id, created: [], existing: 2 });
    const rows = await sql(server.db.url, 'SELECT job_id FROM runs WHERE idempotency_key = ?', [`child-of:${parentRun.id}`]);
    expect(rows).toHaveLength(2);
    for (const c of (await childrenOf(parentRun.id)).items) await finish(c.id, 'SUCCEEDED');
  });

  it('concurrent first fan-outs of one end insert each child once, and exactly one of them reports creating it', async () => {
    const f = await family();
    const [row] = await sql(server.db.url, 'SELECT app_id FROM jobs WHERE id = ?', [f.parent.id]);
    const now = new Date();
    const inserted: any = await sql(
      server.db.url,
      `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, finished_at, created_at, updated_at) VALUES (?, ?, 'API', 'SUCCEEDED', ?, ?, ?, ?)`,
      [f.parent.id, row.app_id, now, now, now, now],
    );
    const entity = (await server.app.get(ChildrenRepository).findRun(insertedId(inserted)))!;
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => server.app.get(ChildStarter).runEnded(entity)));
    const created = outcomes.flatMap((o) => (o.kind === 'started' ? o.created.map((c) => c.jobId) : []));
    expect(created.sort()).toEqual([f.onSuccess.id, f.always.id].sort());
    expect(await sql(server.db.url, 'SELECT id FROM runs WHERE parent_run_id = ?', [entity.id])).toHaveLength(2);
    for (const c of (await childrenOf(entity.id)).items) await finish(c.id, 'SUCCEEDED');
  });

  it('fan-outs of many parents at once do not deadlock (no retries needed)', async () => {
    const f = await family();
    const [row] = await sql(server.db.url, 'SELECT app_id FROM jobs WHERE id = ?', [f.parent.id]);
    const now = new Date();
    const repo = server.app.get(ChildrenRepository);
    const parents = [];
    for (let i = 0; i < 12; i++) {
      const r: any = await sql(
        server.db.url,
        `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, finished_at, created_at, updated_at) VALUES (?, ?, 'API', 'SUCCEEDED', ?, ?, ?, ?)`,
        [f.parent.id, row.app_id, now, now, now, now],
      );
      parents.push((await repo.findRun(insertedId(r)))!);
    }
    // Straight to the repository: a deadlock would surface here instead of being retried.
    const results = await Promise.all(parents.map((p) => repo.fanOut({ parent: p, childJobIds: [f.onSuccess.id, f.always.id], status: 'SCHEDULED', reason: null }, new Date())));
    expect(results.map((r) => r.created.length)).toEqual(parents.map(() => 2));
    for (const p of parents) for (const c of (await childrenOf(p.id)).items) await finish(c.id, 'SUCCEEDED');
  });
});

describe('chain depth', () => {
  it(`a run at depth CHILD_CHAIN_MAX_DEPTH (${MAX_DEPTH}) records its children SKIPPED instead of starting them`, async () => {
    const d3 = await job();
    const d2 = await job({ children: [{ job: d3.key, on: 'ALWAYS' }] });
    const d1 = await job({ children: [{ job: d2.key, on: 'SUCCESS' }] });
    const d0 = await job({ children: [{ job: d1.key, on: 'SUCCESS' }] });
    let run = await trigger(d0);
    for (const next of [d1, d2]) {
      await finish(run.id, 'SUCCEEDED');
      const [child] = (await childrenOf(run.id)).items;
      // Started, not cut off: it may already be on its way to the executor.
      expect(child).toMatchObject({ jobId: next.id, status: expect.stringMatching(/^(SCHEDULED|DISPATCHED|RUNNING)$/), parentRunId: run.id });
      run = child!;
    }
    await finish(run.id, 'FAILED');
    const [cut] = (await childrenOf(run.id)).items;
    expect(cut).toMatchObject({ jobId: d3.id, status: 'SKIPPED', triggerType: 'CHILD', statusReason: `child chain deeper than CHILD_CHAIN_MAX_DEPTH (${MAX_DEPTH})` });
    expect(cut!.finishedAt).not.toBeNull();
    const depths = await sql(server.db.url, 'SELECT job_id, chain_depth FROM runs WHERE job_id IN (?, ?, ?, ?) ORDER BY id', [d0.id, d1.id, d2.id, d3.id]);
    expect(depths.map((r) => Number(r.chain_depth))).toEqual([0, 1, 2, 3]);
    expect(dispatched.has(cut!.id)).toBe(false);
  });
});

describe('SHARDING_BROADCAST parents', () => {
  let second: RawSocket;
  beforeAll(async () => {
    second = await executor(['broadcast']);
  });

  /** Triggers a broadcast fire and returns its shards (index order) once both are dispatched. */
  async function fire(parent: JobDto): Promise<RunDispatch[]> {
    const run = await trigger(parent);
    return waitFor(
      () => {
        const shards = [...dispatched.values()].filter((d) => d.jobId === parent.id && (d.runId === run.id || Number(d.runId) > Number(run.id)));
        return shards.length === 2 ? shards.sort((a, b) => a.shard.index - b.shard.index) : null;
      },
      { message: 'both shards are dispatched' },
    );
  }

  /** Which socket got a shard: report through the same one. */
  const via = async (runId: string) => {
    const [row] = await sql(server.db.url, 'SELECT executor_id FROM runs WHERE id = ?', [runId]);
    return sockets.find((s) => (s.auth as { instanceId: string }).instanceId === row.executor_id) ?? socket;
  };

  it('start children once, when every shard has ended: under shard 0 when all succeeded, else under the lowest failed shard', async () => {
    expect(second.connected).toBe(true);
    const f = await family({ handler: 'broadcast', routeStrategy: 'SHARDING_BROADCAST' });
    const [s0, s1] = await fire(f.parent);
    expect(s0!.shard).toEqual({ index: 0, total: 2 });
    await finish(s1!.runId, 'SUCCEEDED', { shard: 1 }, await via(s1!.runId));
    expect((await childrenOf(s0!.runId)).items).toEqual([]);
    expect((await childrenOf(s1!.runId)).items).toEqual([]);
    await finish(s0!.runId, 'SUCCEEDED', { shard: 0 }, await via(s0!.runId));
    const children = (await childrenOf(s0!.runId)).items;
    expect(children.map((c) => c.jobId).sort()).toEqual([f.onSuccess.id, f.always.id].sort());
    expect((await childrenOf(s1!.runId)).items).toEqual([]);
    for (const c of children) await finish(c.id, 'SUCCEEDED');

    const [t0, t1] = await fire(f.parent);
    await finish(t0!.runId, 'SUCCEEDED', undefined, await via(t0!.runId));
    await finish(t1!.runId, 'FAILED', undefined, await via(t1!.runId));
    const failed = (await childrenOf(t1!.runId)).items;
    expect(failed.map((c) => c.jobId).sort()).toEqual([f.onFailure.id, f.always.id].sort());
    expect((await childrenOf(t0!.runId)).items).toEqual([]);
    const sent = await waitFor(() => dispatched.get(failed[0]!.id), { message: 'the child is dispatched' });
    expect(sent.parent).toMatchObject({ runId: t1!.runId, status: 'FAILED' });
    for (const c of failed) await finish(c.id, 'SUCCEEDED');
  });
});

describe('the sweeper', () => {
  it('repairs a fan-out lost to a crash, once; leaves runs in the grace period, runs older than the edge, and cancelled runs alone', async () => {
    const sweeper = server.app.get(ChildSweeper);
    await sweeper.stop(); // this test drives the passes itself
    const f = await family();
    const [{ app_id: appId }] = await sql(server.db.url, 'SELECT app_id FROM jobs WHERE id = ?', [f.parent.id]);
    const ago = (ms: number) => new Date(Date.now() - ms);
    // The edges existed an hour ago.
    await sql(server.db.url, 'UPDATE job_dependencies SET created_at = ? WHERE parent_job_id = ?', [ago(3_600_000), f.parent.id]);
    // Ended runs whose fan-out never happened (inserted behind the server's back: no listener ran).
    const insert = async (status: string, finishedAgoMs: number): Promise<string> => {
      const r: any = await sql(
        server.db.url,
        'INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, finished_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [f.parent.id, appId, 'API', status, ago(finishedAgoMs + 1000), ago(finishedAgoMs), ago(finishedAgoMs + 1000), ago(finishedAgoMs)],
      );
      return insertedId(r);
    };
    const beforeTheEdges = await insert('SUCCEEDED', 2 * 3_600_000);
    const succeeded = await insert('SUCCEEDED', 60_000);
    const failed = await insert('FAILED', 60_000);
    const justNow = await insert('SUCCEEDED', 0);
    const cancelled = await insert('CANCELLED', 60_000);

    const [lease] = await sql(server.db.url, "SELECT holder, epoch FROM scheduler_lease WHERE name = 'leader'");
    const term = { nodeId: String(lease.holder), epoch: String(lease.epoch) };
    const first = await sweeper.runOnce(term);
    expect(first).toMatchObject({ repaired: 2, started: 4 });
    expect(first.deferred).toBeGreaterThanOrEqual(1);

    expect((await childrenOf(succeeded)).items.map((c) => c.jobId).sort()).toEqual([f.onSuccess.id, f.always.id].sort());
    expect((await childrenOf(failed)).items.map((c) => c.jobId).sort()).toEqual([f.onFailure.id, f.always.id].sort());
    for (const id of [beforeTheEdges, justNow, cancelled]) expect((await childrenOf(id)).items).toEqual([]);
    const repairedChild = (await childrenOf(succeeded)).items[0]!;
    const sent = await waitFor(() => dispatched.get(repairedChild.id), { message: 'a repaired child is dispatched' });
    expect(sent.parent).toMatchObject({ runId: succeeded, status: 'SUCCEEDED' });

    // Nothing twice; the run still in its grace period is left for a later pass.
    const second = await sweeper.runOnce(term);
    expect(second).toMatchObject({ repaired: 0, started: 0 });
    expect(second.deferred).toBeGreaterThanOrEqual(1);
    expect(await sql(server.db.url, 'SELECT id FROM runs WHERE parent_run_id IN (?, ?)', [succeeded, failed])).toHaveLength(4);

    // Once out of the grace period it is repaired too.
    await sql(server.db.url, 'UPDATE runs SET finished_at = ? WHERE id = ?', [ago(30_000), justNow]);
    expect(await sweeper.runOnce(term)).toMatchObject({ repaired: 1, started: 2 });
    expect((await childrenOf(justNow)).items).toHaveLength(2);

    // A fenced write: a node that no longer leads cannot start children.
    const stale = await insert('SUCCEEDED', 60_000);
    await expect(sweeper.runOnce({ nodeId: term.nodeId, epoch: String(Number(term.epoch) + 1) })).rejects.toThrow(/lease/);
    expect((await childrenOf(stale)).items).toEqual([]);
    await sweeper.runOnce(term);
    expect((await childrenOf(stale)).items).toHaveLength(2);
  });
});

describe('GET /runs/:id/children', () => {
  it('pages through the children oldest first; 404 for an unknown run, 400 for a bad id', async () => {
    const f = await family();
    const parentRun = await trigger(f.parent);
    await finish(parentRun.id, 'SUCCEEDED');
    const all = (await childrenOf(parentRun.id)).items;
    expect(all).toHaveLength(2);
    expect(all.map((c) => c.jobKey).sort()).toEqual([f.onSuccess.key, f.always.key].sort());
    const page1 = await childrenOf(parentRun.id, '?limit=1');
    expect(page1.items.map((c) => c.id)).toEqual([all[0]!.id]);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await childrenOf(parentRun.id, `?limit=1&cursor=${page1.nextCursor}`);
    expect(page2).toEqual({ items: [expect.objectContaining({ id: all[1]!.id })], nextCursor: null });

    const missing = await server.api.get('/runs/999999999/children');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('RUN_NOT_FOUND');
    expect((await server.api.get('/runs/abc/children')).body.code).toBe('INVALID_ID');
    expect((await server.api.get(`/runs/${parentRun.id}/children?limit=0`)).status).toBe(400);
    for (const c of all) await finish(c.id, 'SUCCEEDED');
  });

  it('is in the OpenAPI document with a summary', async () => {
    const res = await fetch(`${server.url}/api/docs-json`);
    const doc = (await res.json()) as { paths: Record<string, { get?: { summary?: string } }> };
    expect(doc.paths['/api/v1/runs/{id}/children']?.get?.summary).toBe('List the child runs of a run');
  });
});
