import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/app-config.js';
import { AppsRepository } from '../../src/modules/apps/apps.repository.js';
import { JobsRepository, type NewJob } from '../../src/modules/jobs/jobs.repository.js';
import type { JobEntity } from '../../src/modules/jobs/job.entity.js';
import type { FirePlan, PlannedFire } from '../../src/modules/scheduler/fire-planner.js';
import { LeaderLeaseRepository } from '../../src/modules/scheduler/leader-lease.repository.js';
import { LeaseLostError } from '../../src/modules/scheduler/leader-duty.js';
import type { FenceToken } from '../../src/modules/scheduler/lease-fence.js';
import { TriggerRepository } from '../../src/modules/scheduler/trigger.repository.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { TEST_ENGINES } from '../support/test-database.js';

const T0 = new Date('2026-11-21T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const fire = (ms: number, over: Partial<PlannedFire> = {}): PlannedFire => ({ fireTime: at(ms), scheduledAt: at(ms), triggerType: 'CRON', status: 'SCHEDULED', reason: null, ...over });

// Persist before fire (DESIGN.md invariant 1): a fire's run row and the job's advance commit
// together, a fire is inserted at most once, and only under the live lease of the committing term.
describe.each(TEST_ENGINES)('TriggerRepository on %s', (engine) => {
  let e: EngineDatabase;
  let trigger: TriggerRepository;
  let jobs: JobsRepository;
  let lease: LeaderLeaseRepository;
  let appId: string;
  let term: FenceToken;
  let n = 0;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'trigger_repo');
    trigger = new TriggerRepository(e.dataSource, e.info, { leaderLeaseTtlMs: 30_000 } as AppConfig);
    jobs = new JobsRepository(e.dataSource);
    lease = new LeaderLeaseRepository(e.dataSource, e.info);
    const app = await new AppsRepository(e.dataSource).insert({ name: 'app', description: '', tokenHash: 'h'.repeat(64), tokenPrefix: 'p', tokenRotatedAt: T0, previousTokenHash: null, previousTokenExpiresAt: null, createdAt: T0, updatedAt: T0 });
    appId = app!.id;
    const claim = await lease.claim('node-a', 600_000);
    term = { nodeId: 'node-a', epoch: claim.epoch };
  });
  afterAll(async () => e?.close());

  async function dueJob(over: Partial<NewJob> = {}): Promise<JobEntity> {
    const job: NewJob = {
      appId, name: `job-${++n}`, handler: 'h', description: '', owner: '', scheduleType: 'CRON', scheduleExpr: '* * * * * ?', timezone: 'UTC',
      misfirePolicy: 'SKIP', misfireThresholdMs: 5_000, catchUpLimit: 10, routeStrategy: 'FIRST', blockStrategy: 'PARALLEL', timeoutMs: 0,
      retryMaxAttempts: 1, retryBackoff: 'FIXED', retryDelayMs: 1_000, retryMaxDelayMs: 1_000, retryJitter: 0, retryOn: 'FAILED', params: '{"p":1}',
      enabled: true, nextFireAt: at(1_000), lastFireAt: null, retentionDays: null, createdAt: T0, updatedAt: T0, ...over,
    };
    const outcome = await jobs.insert(job, []);
    return (await jobs.findById((outcome as { id: string }).id))!;
  }
  const runsOf = async (jobId: string) =>
    (await e.dataSource.query('SELECT status, trigger_type, fire_time, planned_epoch, params, finished_at FROM runs WHERE job_id = ? ORDER BY fire_time', [jobId])) as Array<Record<string, any>>;
  const plan = (fires: PlannedFire[], nextMs: number | null, disable = false): FirePlan => ({ fires, nextFireAt: nextMs === null ? null : at(nextMs), disable });

  it('inserts the runs of a plan and advances the job in one commit', async () => {
    const job = await dueJob();
    const result = await trigger.commit(term, [{ job, plan: plan([fire(1_000), fire(2_000)], 3_000) }], at(500));
    expect(result).toMatchObject({ committedJobs: 1, insertedRuns: 2, skippedRuns: [] });
    const runs = await runsOf(job.id);
    expect(runs.map((r) => [r.status, r.trigger_type, r.fire_time.toISOString(), r.planned_epoch, r.params])).toEqual([
      ['SCHEDULED', 'CRON', at(1_000).toISOString(), term.epoch, '{"p":1}'],
      ['SCHEDULED', 'CRON', at(2_000).toISOString(), term.epoch, '{"p":1}'],
    ]);
    const after = await jobs.findById(job.id);
    expect(after!.nextFireAt!.toISOString()).toBe(at(3_000).toISOString());
    expect(after!.lastFireAt!.toISOString()).toBe(at(2_000).toISOString());
    expect(after!.version).toBe(job.version);
  });

  it('ignores a fire inserted before, and leaves a job that changed since it was read', async () => {
    const job = await dueJob();
    await trigger.commit(term, [{ job, plan: plan([fire(1_000)], 2_000) }], at(500));
    // The same plan again, against the advanced job (a replayed commit): its fire is already there.
    const advanced = { ...job, nextFireAt: at(2_000) };
    const replay = await trigger.commit(term, [{ job: advanced, plan: plan([fire(1_000), fire(2_000)], 3_000) }], at(600));
    expect(replay.committedJobs).toBe(1);
    expect((await runsOf(job.id)).map((r) => r.fire_time.toISOString())).toEqual([at(1_000).toISOString(), at(2_000).toISOString()]);
    // The stale read (old next fire) commits nothing.
    const stale = await trigger.commit(term, [{ job, plan: plan([fire(9_000)], 10_000) }], at(700));
    expect(stale).toMatchObject({ committedJobs: 0, insertedRuns: 0 });
    expect(await runsOf(job.id)).toHaveLength(2);
  });

  it('disables a ONCE job with its fire, bumping its version, and returns the SKIPPED runs it recorded', async () => {
    const once = await dueJob({ scheduleType: 'ONCE', scheduleExpr: at(1_000).toISOString() });
    const skip = await dueJob();
    const skipped = fire(1_000, { status: 'SKIPPED', triggerType: 'MISFIRE', reason: 'missed 3 fires' });
    const result = await trigger.commit(term, [{ job: once, plan: plan([fire(1_000, { triggerType: 'ONCE' })], null, true) }, { job: skip, plan: plan([skipped], 5_000) }], at(800));
    expect(result.committedJobs).toBe(2);
    expect(await jobs.findById(once.id)).toMatchObject({ enabled: false, nextFireAt: null, version: once.version + 1 });
    expect((await jobs.findById(once.id))!.updatedAt.toISOString()).toBe(at(800).toISOString());
    expect(result.skippedRuns.map((r) => [r.jobId, r.status, r.statusReason, r.fireTime!.toISOString()])).toEqual([[skip.id, 'SKIPPED', 'missed 3 fires', at(1_000).toISOString()]]);
    expect((await runsOf(skip.id))[0]!.finished_at.toISOString()).toBe(at(800).toISOString());
  });

  it('writes nothing when one plan of the batch fails', async () => {
    const good = await dueJob();
    const bad = await dueJob();
    const broken = fire(1_000, { scheduledAt: null as never });
    await expect(trigger.commit(term, [{ job: good, plan: plan([fire(1_000)], 2_000) }, { job: bad, plan: plan([broken], 2_000) }], at(900))).rejects.toThrow();
    expect(await runsOf(good.id)).toEqual([]);
    expect((await jobs.findById(good.id))!.nextFireAt!.toISOString()).toBe(at(1_000).toISOString());
  });

  it('refuses to commit for a term that no longer holds the lease', async () => {
    const job = await dueJob();
    await expect(trigger.commit({ nodeId: 'node-a', epoch: String(BigInt(term.epoch) - 1n) }, [{ job, plan: plan([fire(1_000)], 2_000) }], at(0))).rejects.toBeInstanceOf(LeaseLostError);
    await expect(trigger.commit({ nodeId: 'node-b', epoch: term.epoch }, [{ job, plan: plan([fire(1_000)], 2_000) }], at(0))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await runsOf(job.id)).toEqual([]);
    expect((await jobs.findById(job.id))!.nextFireAt!.toISOString()).toBe(at(1_000).toISOString());
  });
});
