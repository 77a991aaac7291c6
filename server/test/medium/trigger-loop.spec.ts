import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, JobDto } from '@baton/protocol';
import { sqlDialect } from '../../src/database/sql-dialect.js';
import { LeaderLeaseRepository } from '../../src/modules/scheduler/leader-lease.repository.js';
import { LeaseLostError } from '../../src/modules/scheduler/leader-duty.js';
import { RunEndPlanner } from '../../src/modules/scheduler/run-end-planner.js';
import { FixedDelaySweeper } from '../../src/modules/scheduler/fixed-delay-sweeper.js';
import { TriggerLoop } from '../../src/modules/scheduler/trigger-loop.js';
import { TriggerRepository } from '../../src/modules/scheduler/trigger.repository.js';
import { newApp, newJob } from '../support/builders.js';
import { FakeClock } from '../support/fake-clock.js';
import { sql } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// The loop is driven by hand: this node never campaigns (SCHEDULER_ENABLED=false) and holds the
// lease through the repository, so ticks happen exactly when a test calls them.
const clock = new FakeClock('2030-01-01T00:00:00.500Z');
let server: TestServer;
let app: AppWithTokenDto;
let loop: TriggerLoop;
let term: { nodeId: string; epoch: string };

beforeAll(async () => {
  server = await startTestServer({ label: 'trigger', clock, env: { SCHEDULER_ENABLED: 'false', TRIGGER_LOOKAHEAD_MS: '5000', TRIGGER_BATCH_SIZE: '3' } });
  app = await newApp(server.api);
  loop = server.app.get(TriggerLoop);
  const claim = await server.app.get(LeaderLeaseRepository).claim('test-node', 600_000);
  term = { nodeId: 'test-node', epoch: claim.epoch };
});
afterAll(async () => {
  await server?.close();
});
beforeEach(async () => {
  // Each test starts with no live jobs, so ticks only see the test's own.
  await sql(server.db.url, 'UPDATE jobs SET enabled = 0, next_fire_at = NULL');
  clock.set('2030-01-01T00:00:00.500Z');
});

interface RunRow {
  trigger_type: string;
  status: string;
  fire_time: string | null;
  scheduled_at: string;
  planned_epoch: string | null;
  status_reason: string | null;
  finished_at: string | null;
}

async function runsOf(job: JobDto): Promise<RunRow[]> {
  return sql<RunRow>(server.db.url, 'SELECT trigger_type, status, fire_time, scheduled_at, planned_epoch, status_reason, finished_at FROM runs WHERE job_id = ? ORDER BY fire_time, id', [job.id]);
}
const times = (rows: RunRow[]) => rows.map((r) => new Date(r.fire_time!).toISOString());
const jobRow = async (job: JobDto) => (await sql(server.db.url, 'SELECT enabled, next_fire_at, last_fire_at, version FROM jobs WHERE id = ?', [job.id]))[0];
const cron = (expression: string, extra: object = {}) => ({ app: app.name, schedule: { type: 'CRON', expression, timezone: 'UTC' }, ...extra }) as never;

describe('TriggerLoop.tick', () => {
  it('plans every-second cron fires within the look-ahead, once each, fenced by the epoch', async () => {
    const job = await newJob(server.api, cron('* * * * * ?'));
    expect(job.nextFireAt).toBe('2030-01-01T00:00:01.000Z');
    await loop.tick(term);
    let runs = await runsOf(job);
    expect(times(runs)).toEqual(['01', '02', '03', '04', '05'].map((s) => `2030-01-01T00:00:${s}.000Z`));
    expect(runs.every((r) => r.status === 'SCHEDULED' && r.trigger_type === 'CRON' && String(r.planned_epoch) === term.epoch)).toBe(true);
    expect(runs.map((r) => new Date(r.scheduled_at).toISOString())).toEqual(times(runs));
    expect(new Date((await jobRow(job)).next_fire_at).toISOString()).toBe('2030-01-01T00:00:06.000Z');

    await loop.tick(term);
    expect(await runsOf(job)).toHaveLength(5);
    clock.advance(1000);
    await loop.tick(term);
    runs = await runsOf(job);
    expect(times(runs).at(-1)).toBe('2030-01-01T00:00:06.000Z');
    expect(runs).toHaveLength(6);
  });

  it('takes many due jobs in several batches in one tick', async () => {
    const jobs = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => newJob(server.api, cron('0 0 0 * * ?'))));
    clock.set('2030-01-01T23:59:58.000Z');
    const result = await loop.tick(term);
    expect(result).toMatchObject({ dueJobs: 7, committedJobs: 7, insertedRuns: 7 });
    for (const j of jobs) expect(times(await runsOf(j))).toEqual(['2030-01-02T00:00:00.000Z']);
  });

  it('anchors FIXED_RATE to planned times, so it does not drift with late ticks', async () => {
    const job = await newJob(server.api, { app: app.name, schedule: { type: 'FIXED_RATE', expression: 'PT2S' } } as never);
    clock.advance(700);
    await loop.tick(term);
    clock.advance(3300);
    await loop.tick(term);
    expect(times(await runsOf(job))).toEqual(['2.5', '4.5', '6.5', '8.5'].map((s) => new Date(Date.parse('2030-01-01T00:00:00Z') + Number(s) * 1000).toISOString()));
  });

  it('FIXED_DELAY fires once, waits for the run to end, then plans interval after the end', async () => {
    const job = await newJob(server.api, { app: app.name, schedule: { type: 'FIXED_DELAY', expression: 'PT3S' } } as never);
    await loop.tick(term);
    expect(times(await runsOf(job))).toEqual(['2030-01-01T00:00:03.500Z']);
    expect((await jobRow(job)).next_fire_at).toBeNull();
    await loop.tick(term);
    expect(await runsOf(job)).toHaveLength(1);

    const next = await server.app.get(RunEndPlanner).runEnded(job.id, new Date('2030-01-01T00:00:10.000Z'));
    expect(next?.toISOString()).toBe('2030-01-01T00:00:13.000Z');
    expect(await server.app.get(RunEndPlanner).runEnded(job.id, new Date('2030-01-01T00:00:11.000Z'))).toBeNull();
    clock.set('2030-01-01T00:00:09.000Z');
    await loop.tick(term);
    expect(times(await runsOf(job))).toEqual(['2030-01-01T00:00:03.500Z', '2030-01-01T00:00:13.000Z']);
  });

  it('the FIXED_DELAY sweep re-plans a job whose run ended without planning the next fire', async () => {
    const job = await newJob(server.api, { app: app.name, schedule: { type: 'FIXED_DELAY', expression: 'PT3S' } } as never);
    await loop.tick(term);
    // The run ends, but the step that plans the next fire is lost (as in a crash between the two).
    await sql(server.db.url, "UPDATE runs SET status = 'SUCCEEDED', finished_at = ? WHERE job_id = ?", [new Date('2030-01-01T00:00:05.000Z'), job.id]);
    expect((await jobRow(job)).next_fire_at).toBeNull();
    expect(await server.app.get(FixedDelaySweeper).runOnce()).toBeGreaterThanOrEqual(1);
    expect(new Date((await jobRow(job)).next_fire_at).toISOString()).toBe('2030-01-01T00:00:08.000Z');
  });

  it('ONCE fires once and disables its job', async () => {
    const job = await newJob(server.api, { app: app.name, schedule: { type: 'ONCE', expression: '2030-01-01T00:00:04Z' } } as never);
    await loop.tick(term);
    expect((await runsOf(job)).map((r) => `${r.trigger_type} ${r.status}`)).toEqual(['ONCE SCHEDULED']);
    const row = await jobRow(job);
    expect(row).toMatchObject({ enabled: 0, next_fire_at: null, version: 2 });
    expect((await server.api.get(`/jobs/${job.id}`)).body.enabled).toBe(false);
  });

  describe('misfires (the leader comes back 10 minutes late)', () => {
    const late = async (policy: string, catchUpLimit = 10) => {
      const job = await newJob(server.api, cron('0 * * * * ?', { misfire: { policy, thresholdMs: 5000, catchUpLimit } }));
      clock.set('2030-01-01T00:10:30.000Z');
      await loop.tick(term);
      return runsOf(job);
    };

    it('SKIP records one SKIPPED run with the reason and resumes', async () => {
      const runs = await late('SKIP');
      expect(runs.map((r) => `${r.trigger_type} ${r.status}`)).toEqual(['MISFIRE SKIPPED']);
      expect(runs[0]!.status_reason).toMatch(/misfire skipped: 10 fires planned from 2030-01-01T00:01:00.000Z to 2030-01-01T00:10:00.000Z/);
      expect(runs[0]!.finished_at).not.toBeNull();
    });

    it('FIRE_ONCE runs once now', async () => {
      const runs = await late('FIRE_ONCE');
      expect(runs.map((r) => `${r.trigger_type} ${r.status} ${new Date(r.scheduled_at).toISOString()}`)).toEqual(['MISFIRE SCHEDULED 2030-01-01T00:10:30.000Z']);
    });

    it('CATCH_UP runs the oldest missed fires up to its limit and records the rest', async () => {
      const runs = await late('CATCH_UP', 3);
      expect(runs.map((r) => `${r.status} ${new Date(r.fire_time!).toISOString().slice(11, 16)}`)).toEqual(['SCHEDULED 00:01', 'SCHEDULED 00:02', 'SCHEDULED 00:03', 'SKIPPED 00:10']);
    });
  });

  it('an edit in the middle of the window cancels fires planned ahead and plans from now with the new schedule', async () => {
    const job = await newJob(server.api, cron('* * * * * ?'));
    await loop.tick(term);
    clock.advance(1500); // 00:00:02.000 — 01 and 02 are due, 03..05 are ahead
    const res = await server.api.patch(`/jobs/${job.id}`, { version: 1, schedule: { type: 'CRON', expression: '*/10 * * * * ?' } });
    expect(res.status).toBe(200);
    expect(res.body.nextFireAt).toBe('2030-01-01T00:00:10.000Z');
    const runs = await runsOf(job);
    expect(runs.map((r) => `${new Date(r.fire_time!).toISOString().slice(17, 19)} ${r.status}`)).toEqual(['01 SCHEDULED', '02 SCHEDULED', '03 CANCELLED', '04 CANCELLED', '05 CANCELLED']);
    clock.advance(6000);
    await loop.tick(term);
    expect((await runsOf(job)).filter((r) => r.status === 'SCHEDULED').map((r) => new Date(r.fire_time!).toISOString().slice(17, 19))).toEqual(['01', '02', '10']);
  });

  it('disable cancels fires planned ahead; re-enable plans from now and never back-fills', async () => {
    const job = await newJob(server.api, cron('* * * * * ?'));
    await loop.tick(term);
    await server.api.post(`/jobs/${job.id}/disable`);
    expect((await runsOf(job)).every((r) => r.status === 'CANCELLED')).toBe(true);
    clock.set('2030-01-01T00:05:00.200Z');
    await loop.tick(term);
    expect((await runsOf(job)).filter((r) => r.status !== 'CANCELLED')).toEqual([]);
    const on = await server.api.post(`/jobs/${job.id}/enable`);
    expect(on.body.nextFireAt).toBe('2030-01-01T00:05:01.000Z');
    await loop.tick(term);
    expect(times((await runsOf(job)).filter((r) => r.status === 'SCHEDULED'))[0]).toBe('2030-01-01T00:05:01.000Z');
  });

  it('a job edited between read and commit is left for the next tick, not planned from stale data', async () => {
    const job = await newJob(server.api, cron('* * * * * ?'));
    const repo = server.app.get(TriggerRepository);
    const [due] = await repo.findDue(new Date('2030-01-01T00:00:05.500Z'), 10);
    await server.api.patch(`/jobs/${job.id}`, { version: 1, owner: 'someone' });
    const { planFires } = await import('../../src/modules/scheduler/fire-planner.js');
    const { compileSchedule } = await import('../../src/modules/schedules/core/schedule.js');
    const plan = planFires({ ...due!, nextFireAt: due!.nextFireAt! }, compileSchedule({ type: 'CRON', expression: '* * * * * ?', timezone: 'UTC' }), { now: clock.now(), lookaheadMs: 5000 });
    expect(await repo.commit(term, [{ job: due!, plan }], clock.now())).toEqual({ committedJobs: 0, insertedRuns: 0, applied: [], skippedRuns: [] });
    expect(await runsOf(job)).toEqual([]);
    await loop.tick(term);
    expect(await runsOf(job)).toHaveLength(5);
  });

  it('never inserts a fire twice, even when the same plan is committed again', async () => {
    const job = await newJob(server.api, cron('* * * * * ?'));
    const repo = server.app.get(TriggerRepository);
    const [due] = await repo.findDue(new Date('2030-01-01T00:00:05.500Z'), 10);
    const { planFires } = await import('../../src/modules/scheduler/fire-planner.js');
    const { compileSchedule } = await import('../../src/modules/schedules/core/schedule.js');
    const plan = planFires({ ...due!, nextFireAt: due!.nextFireAt! }, compileSchedule({ type: 'CRON', expression: '* * * * * ?', timezone: 'UTC' }), { now: clock.now(), lookaheadMs: 5000 });
    await repo.commit(term, [{ job: due!, plan }], clock.now());
    // Replaying the runs of that plan against the advanced job (as a retried transaction would):
    const advanced = { ...due!, nextFireAt: new Date('2030-01-01T00:00:06.000Z') };
    await repo.commit(term, [{ job: advanced, plan }], clock.now());
    const dups = await sql(server.db.url, 'SELECT fire_time, COUNT(*) AS n FROM runs WHERE job_id = ? GROUP BY fire_time HAVING n > 1', [job.id]);
    expect(dups).toEqual([]);
    expect(await runsOf(job)).toHaveLength(5);
  });

  it('refuses to write when this node no longer holds the lease (fencing)', async () => {
    const job = await newJob(server.api, cron('* * * * * ?'));
    await sql(server.db.url, "UPDATE scheduler_lease SET holder = 'other-node', epoch = epoch + 1 WHERE name = 'leader'");
    await expect(loop.tick(term)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await runsOf(job)).toEqual([]);
    expect((await jobRow(job)).next_fire_at).not.toBeNull();

    // An expired lease is refused too, even while this node is still named the holder.
    const claim = await server.app.get(LeaderLeaseRepository).claim('test-node', 600_000);
    const d = sqlDialect(server.db.engine === 'sqlite' ? 'sqlite' : 'mysql');
    await sql(server.db.url, `UPDATE scheduler_lease SET expires_at = ${d.plusMs(d.now(), '-1000')} WHERE name = 'leader'`);
    await expect(loop.tick({ nodeId: 'test-node', epoch: claim.epoch })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await runsOf(job)).toEqual([]);

    const again = await server.app.get(LeaderLeaseRepository).claim('test-node', 600_000);
    expect(BigInt(again.epoch)).toBeGreaterThan(BigInt(claim.epoch));
    term = { nodeId: 'test-node', epoch: again.epoch };
    await loop.tick(term);
    expect(await runsOf(job)).toHaveLength(5);
  });
});
