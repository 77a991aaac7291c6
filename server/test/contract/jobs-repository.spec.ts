import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/app-config.js';
import { AppsRepository } from '../../src/modules/apps/apps.repository.js';
import { JobsRepository, type NewJob } from '../../src/modules/jobs/jobs.repository.js';
import { TriggerRepository } from '../../src/modules/scheduler/trigger.repository.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { insertRun, runRow } from '../support/run-rows.js';
import { TEST_ENGINES } from '../support/test-database.js';

const T0 = new Date('2026-11-21T10:00:00.123Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function newJob(appId: string, name: string, over: Partial<NewJob> = {}): NewJob {
  return {
    appId,
    name,
    handler: 'report.build',
    description: '',
    owner: '',
    scheduleType: 'CRON',
    scheduleExpr: '0 * * * * ?',
    timezone: 'UTC',
    misfirePolicy: 'FIRE_ONCE',
    misfireThresholdMs: 5_000,
    catchUpLimit: 10,
    routeStrategy: 'ROUND_ROBIN',
    blockStrategy: 'SERIAL',
    timeoutMs: 0,
    retryMaxAttempts: 1,
    retryBackoff: 'FIXED',
    retryDelayMs: 1_000,
    retryMaxDelayMs: 60_000,
    retryJitter: 0,
    retryOn: 'FAILED',
    params: null,
    enabled: true,
    nextFireAt: at(60_000),
    lastFireAt: null,
    retentionDays: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

// The job table's contract: a case-sensitive (app, name) key, optimistic versions, keyset lists,
// the due-jobs read of the trigger loop, and the child graph kept acyclic.
describe.each(TEST_ENGINES)('JobsRepository on %s', (engine) => {
  let e: EngineDatabase;
  let jobs: JobsRepository;
  let apps: AppsRepository;
  let appA: string;
  let appB: string;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'jobs_repo');
    jobs = new JobsRepository(e.dataSource);
    apps = new AppsRepository(e.dataSource);
    const app = (name: string) => apps.insert({ name, description: '', tokenHash: 'h'.repeat(64), tokenPrefix: 'p', tokenRotatedAt: T0, previousTokenHash: null, previousTokenExpiresAt: null, createdAt: T0, updatedAt: T0 });
    appA = (await app('billing'))!.id;
    appB = (await app('reports'))!.id;
  });
  afterAll(async () => e?.close());

  const insert = async (job: NewJob) => {
    const outcome = await jobs.insert(job, []);
    if (outcome.kind !== 'inserted') throw new Error(`insert ${job.name}: ${outcome.kind}`);
    return outcome.id;
  };

  it('inserts a job and reads it back: id as a string, times to the millisecond, flags as booleans', async () => {
    const outcome = await jobs.insert(newJob(appA, 'roundtrip', { params: '{"a":1}', retryJitter: 0.25 }), []);
    expect(outcome.kind).toBe('inserted');
    const id = (outcome as { id: string }).id;
    expect(id).toMatch(/^\d+$/);
    const job = await jobs.findById(id);
    expect(job).toMatchObject({ id, appId: appA, name: 'roundtrip', enabled: true, version: 1, params: '{"a":1}', retryJitter: 0.25, lastFireAt: null });
    expect(job!.nextFireAt!.toISOString()).toBe(at(60_000).toISOString());
    expect(job!.createdAt.toISOString()).toBe(T0.toISOString());
    expect((await jobs.findByKey(appA, 'roundtrip'))!.id).toBe(id);
  });

  it('keys jobs by app and name, case-sensitively, and refuses a missing app', async () => {
    await insert(newJob(appA, 'nightly'));
    expect(await jobs.insert(newJob(appA, 'nightly'), [])).toEqual({ kind: 'name-taken' });
    expect((await jobs.insert(newJob(appA, 'Nightly'), [])).kind).toBe('inserted');
    expect((await jobs.insert(newJob(appB, 'nightly'), [])).kind).toBe('inserted');
    expect(await jobs.findByKey(appA, 'NIGHTLY')).toBeNull();
    expect(await jobs.insert(newJob('999999', 'orphan'), [])).toEqual({ kind: 'app-missing' });
  });

  it('applies an update only at the expected version; of two concurrent edits one wins', async () => {
    const id = await insert(newJob(appA, 'versioned'));
    expect(await jobs.update(id, 1, { description: 'first', updatedAt: at(1) }, undefined)).toEqual({ kind: 'updated' });
    expect(await jobs.update(id, 1, { description: 'stale', updatedAt: at(2) }, undefined)).toEqual({ kind: 'stale' });
    expect(await jobs.update(id, 2, { name: 'nightly' }, undefined)).toEqual({ kind: 'name-taken' });
    const both = await Promise.all([
      jobs.update(id, 2, { description: 'left', updatedAt: at(3) }, undefined),
      jobs.update(id, 2, { description: 'right', updatedAt: at(3) }, undefined),
    ]);
    expect(both.map((o) => o.kind).sort()).toEqual(['stale', 'updated']);
    const job = await jobs.findById(id);
    expect(job!.version).toBe(3);
    expect(['left', 'right']).toContain(job!.description);
  });

  it('cancels fires planned ahead when the schedule changes, and keeps due or requested runs', async () => {
    const id = await insert(newJob(appA, 'replanned'));
    const ahead = await insertRun(e.dataSource, { jobId: id, appId: appA, scheduledAt: at(10_000), plannedEpoch: '3' });
    const due = await insertRun(e.dataSource, { jobId: id, appId: appA, scheduledAt: at(-1_000), plannedEpoch: '3' });
    const requested = await insertRun(e.dataSource, { jobId: id, appId: appA, scheduledAt: at(10_000) });
    expect(await jobs.update(id, 1, { nextFireAt: at(20_000), updatedAt: at(0) }, undefined)).toEqual({ kind: 'updated' });
    const statuses = await Promise.all([ahead, due, requested].map(async (r) => (await runRow(e.dataSource, r)).status));
    expect(statuses).toEqual(['CANCELLED', 'SCHEDULED', 'SCHEDULED']);
  });

  it('flips enabled once per change and bumps the version', async () => {
    const id = await insert(newJob(appA, 'toggled'));
    expect(await jobs.setEnabled(id, false, null, at(1))).toBe(true);
    expect(await jobs.setEnabled(id, false, null, at(2))).toBe(false);
    expect(await jobs.findById(id)).toMatchObject({ enabled: false, nextFireAt: null, version: 2 });
    expect(await jobs.setEnabled(id, true, at(5_000), at(3))).toBe(true);
    expect((await jobs.findById(id))!.nextFireAt!.toISOString()).toBe(at(5_000).toISOString());
  });

  describe('keyset list', () => {
    let ids: string[];
    beforeAll(async () => {
      await e.dataSource.query('DELETE FROM jobs');
      ids = [];
      ids.push(await insert(newJob(appA, 'list-1', { description: 'sends 100% of invoices' })));
      ids.push(await insert(newJob(appA, 'list-2', { enabled: false, nextFireAt: null, handler: 'mail_send' })));
      ids.push(await insert(newJob(appB, 'list-3', { scheduleType: 'FIXED_RATE', scheduleExpr: 'PT1M', handler: 'mailXsend' })));
      ids.push(await insert(newJob(appA, 'list-4', { scheduleType: 'FIXED_RATE', scheduleExpr: 'PT1M', owner: 'ops' })));
      ids.push(await insert(newJob(appB, 'list-5')));
    });
    const names = (rows: Array<{ name: string }>) => rows.map((r) => r.name);

    it('pages in id order from the last id seen', async () => {
      const first = await jobs.list({}, undefined, 2);
      expect(names(first)).toEqual(['list-1', 'list-2']);
      const second = await jobs.list({}, first.at(-1)!.id, 2);
      expect(names(second)).toEqual(['list-3', 'list-4']);
      expect(names(await jobs.list({}, second.at(-1)!.id, 2))).toEqual(['list-5']);
      expect(await jobs.list({}, ids.at(-1), 2)).toEqual([]);
    });

    it('filters by app, app scope, enabled and schedule type', async () => {
      expect(names(await jobs.list({ appId: appA }, undefined, 10))).toEqual(['list-1', 'list-2', 'list-4']);
      expect(names(await jobs.list({ appIds: [appB] }, undefined, 10))).toEqual(['list-3', 'list-5']);
      expect(await jobs.list({ appIds: [] }, undefined, 10)).toEqual([]);
      expect(names(await jobs.list({ enabled: false }, undefined, 10))).toEqual(['list-2']);
      expect(names(await jobs.list({ scheduleType: 'FIXED_RATE', appId: appA }, undefined, 10))).toEqual(['list-4']);
      expect(names(await jobs.list({ enabled: true, scheduleType: 'CRON' }, ids[0], 10))).toEqual(['list-5']);
    });

    it('searches text literally: % and _ match only themselves', async () => {
      expect(names(await jobs.list({ text: '100%' }, undefined, 10))).toEqual(['list-1']);
      expect(names(await jobs.list({ text: 'mail_send' }, undefined, 10))).toEqual(['list-2']);
      expect(names(await jobs.list({ text: 'ops' }, undefined, 10))).toEqual(['list-4']);
      expect(names(await jobs.list({ text: 'list-' }, ids[2], 10))).toEqual(['list-4', 'list-5']);
      expect(await jobs.list({ text: '!' }, undefined, 10)).toEqual([]);
    });
  });

  it('reads due jobs earliest first, up to the horizon and the limit, enabled only', async () => {
    await e.dataSource.query('DELETE FROM jobs');
    const trigger = new TriggerRepository(e.dataSource, e.info, { leaderLeaseTtlMs: 30_000 } as AppConfig);
    await insert(newJob(appA, 'due-3', { nextFireAt: at(3_000) }));
    await insert(newJob(appA, 'due-1', { nextFireAt: at(1_000) }));
    await insert(newJob(appA, 'due-2', { nextFireAt: at(1_001) }));
    await insert(newJob(appA, 'later', { nextFireAt: at(9_000) }));
    await insert(newJob(appA, 'off', { enabled: false, nextFireAt: at(0) }));
    await insert(newJob(appA, 'never', { nextFireAt: null }));
    const due = await trigger.findDue(at(3_000), 10);
    expect(due.map((j) => j.name)).toEqual(['due-1', 'due-2', 'due-3']);
    expect(due[1]!.nextFireAt!.toISOString()).toBe(at(1_001).toISOString());
    expect((await trigger.findDue(at(3_000), 2)).map((j) => j.name)).toEqual(['due-1', 'due-2']);
  });

  describe('child graph', () => {
    it('stores child edges, finds parents, and refuses an edit that closes a cycle', async () => {
      const [a, b, c] = [await insert(newJob(appA, 'graph-a')), await insert(newJob(appA, 'graph-b')), await insert(newJob(appA, 'graph-c'))];
      expect(await jobs.update(a, 1, { updatedAt: at(1) }, [{ childJobId: b, triggerOn: 'SUCCESS' }])).toEqual({ kind: 'updated' });
      expect(await jobs.update(b, 1, { updatedAt: at(1) }, [{ childJobId: c, triggerOn: 'ALWAYS' }])).toEqual({ kind: 'updated' });
      const edges = await jobs.childrenOf([a, b]);
      expect(edges.get(a)!.map((d) => [d.childJobId, d.triggerOn])).toEqual([[b, 'SUCCESS']]);
      expect(edges.get(b)!.map((d) => [d.childJobId, d.triggerOn])).toEqual([[c, 'ALWAYS']]);
      expect(await jobs.parentIdsOf(c)).toEqual([b]);
      expect(await jobs.update(c, 1, { updatedAt: at(2) }, [{ childJobId: a, triggerOn: 'FAILURE' }])).toEqual({ kind: 'cycle', path: [c, a, b, c] });
      expect(await jobs.update(c, 1, { updatedAt: at(2) }, [{ childJobId: c, triggerOn: 'FAILURE' }])).toEqual({ kind: 'cycle', path: [c, c] });
      expect((await jobs.findById(c))!.version).toBe(1);
    });

    it('deletes a job only when no job lists it as a child, cancelling its unsent runs', async () => {
      const parent = await insert(newJob(appA, 'del-parent'));
      const child = await insert(newJob(appA, 'del-child'));
      await jobs.update(parent, 1, { updatedAt: at(1) }, [{ childJobId: child, triggerOn: 'SUCCESS' }]);
      expect(await jobs.delete(child, at(2))).toEqual({ kind: 'has-parents', parentIds: [parent] });
      const waiting = await insertRun(e.dataSource, { jobId: parent, appId: appA });
      expect(await jobs.delete(parent, at(3))).toEqual({ kind: 'deleted' });
      expect(await jobs.delete(parent, at(3))).toEqual({ kind: 'missing' });
      expect(await jobs.parentIdsOf(child)).toEqual([]);
      expect((await runRow(e.dataSource, waiting)).status).toBe('CANCELLED');
      expect(await jobs.delete(child, at(4))).toEqual({ kind: 'deleted' });
    });
  });

  it('keys apps by name case-sensitively, and deletes one only while it has no jobs', async () => {
    const newApp = (name: string) => ({ name, description: '', tokenHash: 'h'.repeat(64), tokenPrefix: 'p', tokenRotatedAt: T0, previousTokenHash: null, previousTokenExpiresAt: null, createdAt: T0, updatedAt: T0 });
    const app = await apps.insert(newApp('short-lived'));
    expect(await apps.insert(newApp('short-lived'))).toBeNull();
    expect(await apps.findByName('Short-Lived')).toBeNull();
    expect((await apps.insert(newApp('Short-Lived')))!.name).toBe('Short-Lived');
    const id = await insert(newJob(app!.id, 'pinned'));
    expect(await apps.deleteIfNoJobs(app!.id)).toBe('has-jobs');
    await jobs.delete(id, at(0));
    expect(await apps.deleteIfNoJobs(app!.id)).toBe('deleted');
    expect(await apps.deleteIfNoJobs(app!.id)).toBe('missing');
  });
});
