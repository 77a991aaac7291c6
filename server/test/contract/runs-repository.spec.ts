import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DispatchRepository } from '../../src/modules/dispatch/dispatch.repository.js';
import { RecoveryRepository } from '../../src/modules/dispatch/recovery.repository.js';
import { RunsRepository } from '../../src/modules/runs/runs.repository.js';
import { LeaseLostError } from '../../src/modules/scheduler/leader-duty.js';
import type { FenceToken } from '../../src/modules/scheduler/lease-fence.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { insertJob, insertRun, runRow } from '../support/run-rows.js';
import { TEST_ENGINES } from '../support/test-database.js';

const T0 = new Date('2026-11-21T10:00:00.123Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const TERM: FenceToken = { nodeId: 'node-a', epoch: '7' };

// Every run status change is one guarded UPDATE whose affected-row count decides who won (DESIGN.md
// invariant 3); these must mean the same on both engines, including under concurrent callers.
describe.each(TEST_ENGINES)('RunsRepository on %s', (engine) => {
  let e: EngineDatabase;
  let runs: RunsRepository;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'runs_repo');
    runs = new RunsRepository(e.dataSource);
  });
  afterAll(async () => e?.close());
  beforeEach(async () => {
    await e.dataSource.query('DELETE FROM runs');
  });

  it('reads ids and 64-bit numbers as strings and times to the millisecond', async () => {
    // Past 32 bits; SQLite reads integers as JS numbers, so values stay below 2^53 there.
    const id = await insertRun(e.dataSource, { scheduledAt: at(0), fireTime: at(1), plannedEpoch: '4294967296123' });
    const run = await runs.findById(id);
    expect(run).toMatchObject({ id, jobId: '1', appId: '1', status: 'SCHEDULED', plannedEpoch: '4294967296123' });
    expect(run!.scheduledAt.toISOString()).toBe('2026-11-21T10:00:00.123Z');
    expect(run!.fireTime!.toISOString()).toBe('2026-11-21T10:00:00.124Z');
    expect((await runs.scheduledAtOf(id))!.toISOString()).toBe('2026-11-21T10:00:00.123Z');
    expect(await runs.scheduledAtOf('999999')).toBeNull();
  });

  it('starts a dispatched run once, only for its attempt', async () => {
    const id = await insertRun(e.dataSource, { status: 'DISPATCHED', attempt: 2, executorId: 'x1' });
    expect(await runs.markStarted(id, 1, at(0), at(30_000), at(0))).toBe(false);
    expect(await runs.markStarted(id, 2, at(5), at(30_000), at(5))).toBe(true);
    expect(await runs.markStarted(id, 2, at(9), at(30_000), at(9))).toBe(false);
    const row = await runRow(e.dataSource, id);
    expect(row.status).toBe('RUNNING');
    expect([row.started_at, row.acked_at, row.lease_until].map((d: Date) => d.toISOString())).toEqual([at(5).toISOString(), at(5).toISOString(), at(30_000).toISOString()]);
    const scheduled = await insertRun(e.dataSource);
    expect(await runs.markStarted(scheduled, 1, at(0), at(1), at(0))).toBe(false);
  });

  it('lets exactly one of two concurrent starts win', async () => {
    const id = await insertRun(e.dataSource, { status: 'DISPATCHED' });
    const wins = await Promise.all([runs.markStarted(id, 1, at(0), at(1), at(0)), runs.markStarted(id, 1, at(0), at(1), at(0))]);
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('finishes an active run once; success sets progress to 100, failure keeps it', async () => {
    const ok = await insertRun(e.dataSource, { status: 'RUNNING', startedAt: at(0), progress: 40, leaseUntil: at(9_000) });
    const failed = await insertRun(e.dataSource, { status: 'RUNNING', startedAt: at(0), progress: 40 });
    expect(await runs.finish(ok, 1, { status: 'SUCCEEDED', finishedAt: at(777), result: '{"n":1}' }, at(778))).toBe(true);
    expect(await runs.finish(ok, 1, { status: 'FAILED', finishedAt: at(800) }, at(800))).toBe(false);
    expect(await runs.finish(failed, 1, { status: 'FAILED', finishedAt: at(10), errorMessage: 'boom', retryable: false, reason: 'handler threw' }, at(10))).toBe(true);
    const [a, b] = [await runRow(e.dataSource, ok), await runRow(e.dataSource, failed)];
    expect([a.status, Number(a.progress), a.result, a.lease_until, a.finished_at.toISOString()]).toEqual(['SUCCEEDED', 100, '{"n":1}', null, at(777).toISOString()]);
    expect([b.status, Number(b.progress), b.error_message, Number(b.retryable), b.status_reason]).toEqual(['FAILED', 40, 'boom', 0, 'handler threw']);
  });

  it('refuses a final status the state table does not allow from the current one', async () => {
    const scheduled = await insertRun(e.dataSource);
    expect(await runs.finish(scheduled, 1, { status: 'SUCCEEDED', finishedAt: at(0) }, at(0))).toBe(false);
    expect(await runs.finish(scheduled, 1, { status: 'LOST', finishedAt: at(0) }, at(0))).toBe(false);
    expect(await runs.finish(scheduled, 1, { status: 'CANCELLED', finishedAt: at(0) }, at(0))).toBe(true);
  });

  it('lets exactly one of two concurrent finishes win', async () => {
    const id = await insertRun(e.dataSource, { status: 'RUNNING' });
    const wins = await Promise.all([
      runs.finish(id, 1, { status: 'SUCCEEDED', finishedAt: at(1) }, at(1)),
      runs.finish(id, 1, { status: 'LOST', finishedAt: at(2) }, at(2)),
    ]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect((await runRow(e.dataSource, id)).status).toBe(wins[0] ? 'SUCCEEDED' : 'LOST');
  });

  it('records progress of active runs only', async () => {
    const running = await insertRun(e.dataSource, { status: 'RUNNING' });
    const scheduled = await insertRun(e.dataSource);
    await runs.setProgress(running, 1, 55, at(0));
    await runs.setProgress(scheduled, 1, 55, at(0));
    expect(Number((await runRow(e.dataSource, running)).progress)).toBe(55);
    expect((await runRow(e.dataSource, scheduled)).progress).toBeNull();
  });

  it("extends the leases of the executor's own active runs, never backwards", async () => {
    const mine = await insertRun(e.dataSource, { status: 'RUNNING', executorId: 'x1', leaseUntil: at(1_000) });
    const later = await insertRun(e.dataSource, { status: 'RUNNING', executorId: 'x1', leaseUntil: at(90_000) });
    const theirs = await insertRun(e.dataSource, { status: 'RUNNING', executorId: 'x2', leaseUntil: at(1_000) });
    const done = await insertRun(e.dataSource, { status: 'SUCCEEDED', executorId: 'x1', leaseUntil: null });
    expect(await runs.extendLeases('x1', [mine, later, theirs, done], at(30_000))).toBe(2);
    expect(await runs.extendLeases('x1', [], at(30_000))).toBe(0);
    const leases = await Promise.all([mine, later, theirs, done].map(async (id) => (await runRow(e.dataSource, id)).lease_until?.toISOString() ?? null));
    expect(leases).toEqual([at(30_000).toISOString(), at(90_000).toISOString(), at(1_000).toISOString(), null]);
  });

  it('requests a kill once, and only of an active run', async () => {
    const running = await insertRun(e.dataSource, { status: 'RUNNING' });
    const scheduled = await insertRun(e.dataSource);
    expect(await runs.requestKill(running, at(0))).toBe(true);
    expect(await runs.requestKill(running, at(1))).toBe(false);
    expect(await runs.requestKill(scheduled, at(0))).toBe(false);
    expect((await runRow(e.dataSource, running)).kill_requested_at.toISOString()).toBe(at(0).toISOString());
  });

  it('cancels a run only while it waits to be sent', async () => {
    const waiting = await insertRun(e.dataSource);
    const sent = await insertRun(e.dataSource, { status: 'DISPATCHED' });
    expect(await runs.cancelScheduled(waiting, 'by alice', at(0))).toBe(true);
    expect(await runs.cancelScheduled(waiting, 'by alice', at(1))).toBe(false);
    expect(await runs.cancelScheduled(sent, 'by alice', at(0))).toBe(false);
    expect(await runRow(e.dataSource, waiting)).toMatchObject({ status: 'CANCELLED', status_reason: 'by alice', finished_at: at(0) });
    expect((await runRow(e.dataSource, sent)).status).toBe('DISPATCHED');
  });

  it('reads an ended run with the facts its end listeners need about the job, in one go', async () => {
    const job = (name: string, scheduleType: string) => insertJob(e.dataSource, { name, scheduleType });
    const delayed = await job('delayed', 'FIXED_DELAY');
    const plain = await job('plain', 'CRON');
    await e.dataSource.query("INSERT INTO job_dependencies (parent_job_id, child_job_id, trigger_on, created_at) VALUES (?, ?, 'SUCCESS', ?)", [delayed, plain, T0]);
    const parentRun = await insertRun(e.dataSource, { jobId: delayed, status: 'SUCCEEDED' });
    const plainRun = await insertRun(e.dataSource, { jobId: plain, status: 'FAILED' });
    const orphanRun = await insertRun(e.dataSource, { jobId: '999999', status: 'SUCCEEDED' });

    const parent = await runs.findEnded(parentRun);
    expect(parent?.run).toMatchObject({ id: parentRun, jobId: delayed, status: 'SUCCEEDED' });
    expect(parent?.facts).toEqual({ scheduleType: 'FIXED_DELAY', hasChildren: true });
    expect((await runs.findEnded(plainRun))?.facts).toEqual({ scheduleType: 'CRON', hasChildren: false });
    expect((await runs.findEnded(orphanRun))?.facts).toEqual({ scheduleType: null, hasChildren: false });
    expect(await runs.findEnded('987654321')).toBeNull();
    await e.dataSource.query('DELETE FROM job_dependencies');
    await e.dataSource.query('DELETE FROM jobs');
  });

  describe('list', () => {
    let ids: string[];
    beforeEach(async () => {
      // Six runs of two jobs, one a second apart; the even ones failed for good (dead).
      ids = [];
      for (let i = 0; i < 6; i++) {
        ids.push(await insertRun(e.dataSource, { jobId: String(1 + (i % 2)), appId: i < 4 ? '10' : '20', status: i % 2 ? 'SUCCEEDED' : 'FAILED', dead: i % 2 === 0, scheduledAt: at(i * 1_000) }));
      }
    });
    const idsOf = (found: Array<{ id: string }>) => found.map((r) => r.id);

    it('pages newest first by id', async () => {
      const first = await runs.list({}, undefined, 4);
      expect(idsOf(first)).toEqual([ids[5], ids[4], ids[3], ids[2]]);
      expect(idsOf(await runs.list({}, first.at(-1)!.id, 4))).toEqual([ids[1], ids[0]]);
      expect(idsOf(await runs.list({ afterId: ids[3] }, undefined, 10))).toEqual([ids[5], ids[4]]);
    });

    it('filters by job, app, caller scope, status and dead', async () => {
      expect(idsOf(await runs.list({ jobId: '2' }, undefined, 10))).toEqual([ids[5], ids[3], ids[1]]);
      expect(idsOf(await runs.list({ appId: '20' }, undefined, 10))).toEqual([ids[5], ids[4]]);
      expect(idsOf(await runs.list({ appIds: ['20', '99'] }, undefined, 10))).toEqual([ids[5], ids[4]]);
      expect(await runs.list({ appIds: [] }, undefined, 10)).toEqual([]);
      expect(idsOf(await runs.list({ status: 'FAILED', jobId: '1' }, undefined, 10))).toEqual([ids[4], ids[2], ids[0]]);
      expect(idsOf(await runs.list({ dead: true }, undefined, 10))).toEqual([ids[4], ids[2], ids[0]]);
      expect(idsOf(await runs.list({ dead: false }, ids[5], 10))).toEqual([ids[3], ids[1]]);
    });

    it('takes scheduled_at in [from, to) to the millisecond', async () => {
      expect(idsOf(await runs.list({ scheduledFrom: at(1_000), scheduledTo: at(3_000) }, undefined, 10))).toEqual([ids[2], ids[1]]);
      expect(idsOf(await runs.list({ scheduledFrom: at(1_001), scheduledTo: at(3_001) }, undefined, 10))).toEqual([ids[3], ids[2]]);
    });

    it('finds a retry chain by its root', async () => {
      const retry = await insertRun(e.dataSource, { rootRunId: ids[0], attempt: 2 });
      expect(idsOf(await runs.list({ rootRunId: ids[0]! }, undefined, 10))).toEqual([retry, ids[0]]);
    });
  });
});

describe.each(TEST_ENGINES)('DispatchRepository and RecoveryRepository on %s', (engine) => {
  let e: EngineDatabase;
  let dispatch: DispatchRepository;
  let recovery: RecoveryRepository;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'dispatch_repo');
    dispatch = new DispatchRepository(e.dataSource);
    recovery = new RecoveryRepository(e.dataSource);
  });
  afterAll(async () => e?.close());
  beforeEach(async () => {
    await e.dataSource.query('DELETE FROM runs');
    await e.dataSource.query("UPDATE scheduler_lease SET holder = ?, epoch = ?, expires_at = ? WHERE name = 'leader'", [TERM.nodeId, TERM.epoch, new Date(Date.now() + 60_000)]);
  });

  it('reads the outbox oldest first and counts what is due up to a cap', async () => {
    const late = await insertRun(e.dataSource, { scheduledAt: at(2_000) });
    const early = await insertRun(e.dataSource, { scheduledAt: at(1) });
    const tie = await insertRun(e.dataSource, { scheduledAt: at(1) });
    await insertRun(e.dataSource, { scheduledAt: at(2_001) });
    await insertRun(e.dataSource, { status: 'DISPATCHED', scheduledAt: at(0) });
    expect((await dispatch.comingDue(at(2_000), 10)).map((r) => r.id)).toEqual([early, tie, late]);
    expect((await dispatch.comingDue(at(2_000), 2)).map((r) => r.id)).toEqual([early, tie]);
    expect(await dispatch.countDue(at(2_000), 10)).toBe(3);
    expect(await dispatch.countDue(at(2_000), 2)).toBe(2);
    expect(await dispatch.countDue(at(0), 10)).toBe(0);
  });

  it('claims a waiting run for exactly one of two concurrent claimers', async () => {
    const id = await insertRun(e.dataSource);
    const [a, b] = await Promise.all([dispatch.claim(TERM, [id], 'x1', at(10_000), at(5)), dispatch.claim(TERM, [id], 'x2', at(10_000), at(6))]);
    expect([...a, ...b]).toEqual([id]);
    const row = await runRow(e.dataSource, id);
    expect(row).toMatchObject({ status: 'DISPATCHED', executor_id: a.length ? 'x1' : 'x2', acked_at: null, lease_until: at(10_000) });
    expect(Number(row.dispatch_count)).toBe(1);
    expect(row.dispatched_at.toISOString()).toBe((a.length ? at(5) : at(6)).toISOString());
  });

  it('claims only the runs still waiting', async () => {
    const waiting = await insertRun(e.dataSource);
    const cancelled = await insertRun(e.dataSource, { status: 'CANCELLED' });
    expect(await dispatch.claim(TERM, [waiting, cancelled], 'x1', at(10_000), at(0))).toEqual([waiting]);
  });

  it('refuses to claim without the lease and leaves the run waiting', async () => {
    const id = await insertRun(e.dataSource);
    await expect(dispatch.claim({ ...TERM, epoch: '6' }, [id], 'x1', at(1), at(0))).rejects.toBeInstanceOf(LeaseLostError);
    await e.dataSource.query("UPDATE scheduler_lease SET expires_at = ? WHERE name = 'leader'", [new Date(Date.now() - 1)]);
    await expect(dispatch.claim(TERM, [id], 'x1', at(1), at(0))).rejects.toBeInstanceOf(LeaseLostError);
    expect((await runRow(e.dataSource, id)).status).toBe('SCHEDULED');
  });

  it('acks once and never shortens a lease; reverts only unacknowledged sends of that executor', async () => {
    const acked = await insertRun(e.dataSource, { status: 'DISPATCHED', executorId: 'x1', leaseUntil: at(90_000) });
    const unacked = await insertRun(e.dataSource, { status: 'DISPATCHED', executorId: 'x1', leaseUntil: at(1_000) });
    await dispatch.ack([acked], 'x1', at(30_000), at(10));
    await dispatch.ack([acked], 'x1', at(31_000), at(20));
    expect(await runRow(e.dataSource, acked)).toMatchObject({ acked_at: at(10), lease_until: at(90_000) });
    await dispatch.revert([acked, unacked], 'x2', 'refused', at(30));
    expect((await runRow(e.dataSource, unacked)).status).toBe('DISPATCHED');
    await dispatch.revert([acked, unacked], 'x1', 'refused', at(30));
    expect(await runRow(e.dataSource, acked)).toMatchObject({ status: 'DISPATCHED', executor_id: 'x1' });
    expect(await runRow(e.dataSource, unacked)).toMatchObject({ status: 'SCHEDULED', executor_id: null, lease_until: null, status_reason: 'refused' });
  });

  it('skips only waiting runs and says which', async () => {
    const waiting = await insertRun(e.dataSource);
    const running = await insertRun(e.dataSource, { status: 'RUNNING' });
    expect(await dispatch.skip([waiting, running], 'DISCARD_LATER', at(0))).toEqual([waiting]);
    expect(await runRow(e.dataSource, waiting)).toMatchObject({ status: 'SKIPPED', finished_at: at(0) });
  });

  it('fans a planned run out into its shards once', async () => {
    const id = await insertRun(e.dataSource, { fireTime: at(0), scheduledAt: at(0), jobId: '5' });
    const run = (await dispatch.findRuns([id]))[0]!;
    const shards = await dispatch.fanOut(TERM, run, 3, at(1));
    expect(shards.map((s) => [s.shardIndex, s.shardTotal])).toEqual([[0, 3], [1, 3], [2, 3]]);
    expect(shards[0]!.id).toBe(id);
    expect(new Set(shards.map((s) => s.id)).size).toBe(3);
    expect(shards.every((s) => s.fireTime!.getTime() === at(0).getTime())).toBe(true);
    expect(await dispatch.fanOut(TERM, run, 3, at(2))).toEqual([]);
  });

  it('finds expired leases oldest first, and ends a run only while its lease is still past', async () => {
    const older = await insertRun(e.dataSource, { status: 'RUNNING', leaseUntil: at(-2_000) });
    const old = await insertRun(e.dataSource, { status: 'DISPATCHED', leaseUntil: at(-1_000) });
    await insertRun(e.dataSource, { status: 'RUNNING', leaseUntil: at(0) });
    expect((await recovery.expiredLeases(at(0), 10)).map((r) => r.id)).toEqual([older, old]);
    // A heartbeat renewed `old` after the recoverer read it: the guarded end must lose.
    await e.dataSource.query('UPDATE runs SET lease_until = ? WHERE id = ?', [at(30_000), old]);
    expect(await recovery.end(TERM, old, 'LOST', 'lease expired', at(1), at(0))).toBe(false);
    expect(await recovery.end(TERM, older, 'LOST', 'lease expired', at(1), at(0))).toBe(true);
    expect(await recovery.end(TERM, older, 'LOST', 'lease expired', at(2), at(0))).toBe(false);
    expect(await runRow(e.dataSource, older)).toMatchObject({ status: 'LOST', lease_until: null, finished_at: at(1) });
  });

  it('finds running runs past their job timeout, to the millisecond', async () => {
    const job = (name: string, timeoutMs: number) => insertJob(e.dataSource, { name, timeoutMs });
    const timed = await job('timed', 1_000);
    const untimed = await job('untimed', 0);
    const over = await insertRun(e.dataSource, { jobId: timed, status: 'RUNNING', startedAt: at(-1_001) });
    await insertRun(e.dataSource, { jobId: timed, status: 'RUNNING', startedAt: at(-1_000) });
    await insertRun(e.dataSource, { jobId: timed, status: 'DISPATCHED', startedAt: at(-5_000) });
    await insertRun(e.dataSource, { jobId: untimed, status: 'RUNNING', startedAt: at(-99_000) });
    const found = await recovery.pastTimeout(at(0), 10);
    expect(found.map((f) => [f.run.id, f.timeoutMs])).toEqual([[over, 1_000]]);
    await e.dataSource.query('DELETE FROM jobs');
  });

  it('requeues an unacknowledged dispatch whose lease passed', async () => {
    const lapsed = await insertRun(e.dataSource, { status: 'DISPATCHED', executorId: 'x1', leaseUntil: at(-1) });
    const acked = await insertRun(e.dataSource, { status: 'DISPATCHED', executorId: 'x1', leaseUntil: at(-1), ackedAt: at(-5) });
    expect(await recovery.requeueUnacked(TERM, lapsed, 'never acknowledged', at(0))).toBe(true);
    expect(await recovery.requeueUnacked(TERM, acked, 'never acknowledged', at(0))).toBe(false);
    expect(await runRow(e.dataSource, lapsed)).toMatchObject({ status: 'SCHEDULED', executor_id: null });
  });
});
