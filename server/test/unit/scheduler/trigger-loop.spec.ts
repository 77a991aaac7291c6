import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { AppConfig } from '../../../src/config/app-config.js';
import type { JobEntity } from '../../../src/modules/jobs/job.entity.js';
import { BatonMetrics } from '../../../src/modules/metrics/baton-metrics.js';
import { LeaseLostError } from '../../../src/modules/scheduler/leader-duty.js';
import { RunEvents } from '../../../src/modules/runs/run-events.js';
import { TriggerLoop } from '../../../src/modules/scheduler/trigger-loop.js';
import type { CommitResult, JobFirePlan, TriggerRepository } from '../../../src/modules/scheduler/trigger.repository.js';
import { FakeClock } from '../../support/fake-clock.js';
import { waitFor } from '../../support/poll.js';

/** In-memory stand-in for TriggerRepository with the same guard: a job advances only if unchanged. */
class FakeTriggerRepository {
  jobs: JobEntity[] = [];
  runs: Array<{ jobId: string; fireTime: string; status: string; reason: string | null; epoch: string }> = [];
  holder = { nodeId: 'n1', epoch: '1' };
  commits = 0;

  async findDue(horizon: Date, limit: number): Promise<JobEntity[]> {
    return this.jobs
      .filter((j) => j.enabled && j.nextFireAt && j.nextFireAt <= horizon)
      .sort((a, b) => a.nextFireAt!.getTime() - b.nextFireAt!.getTime())
      .slice(0, limit)
      .map((j) => ({ ...j }));
  }

  async commit(term: { nodeId: string; epoch: string }, plans: JobFirePlan[]): Promise<CommitResult> {
    this.commits++;
    if (term.nodeId !== this.holder.nodeId || term.epoch !== this.holder.epoch) throw new LeaseLostError(term.epoch);
    let committedJobs = 0;
    let insertedRuns = 0;
    const applied: JobFirePlan[] = [];
    for (const { job, plan } of plans) {
      const stored = this.jobs.find((j) => j.id === job.id)!;
      if (stored.version !== job.version || stored.nextFireAt?.getTime() !== job.nextFireAt?.getTime()) continue;
      stored.nextFireAt = plan.nextFireAt;
      if (plan.disable) stored.enabled = false;
      committedJobs++;
      applied.push({ job, plan });
      for (const f of plan.fires) {
        if (this.runs.some((r) => r.jobId === job.id && r.fireTime === f.fireTime.toISOString())) continue;
        this.runs.push({ jobId: job.id, fireTime: f.fireTime.toISOString(), status: f.status, reason: f.reason, epoch: term.epoch });
        insertedRuns++;
      }
    }
    return { committedJobs, insertedRuns, applied, skippedRuns: [] };
  }
}

function job(id: string, expr: string, nextFireAt: string, extra: Partial<JobEntity> = {}): JobEntity {
  return {
    id, appId: '1', name: `j${id}`, handler: 'h', description: '', owner: '', scheduleType: 'CRON', scheduleExpr: expr, timezone: 'UTC',
    misfirePolicy: 'FIRE_ONCE', misfireThresholdMs: 5000, catchUpLimit: 10, routeStrategy: 'ROUND_ROBIN', blockStrategy: 'SERIAL', timeoutMs: 0,
    retryMaxAttempts: 1, retryBackoff: 'FIXED', retryDelayMs: 0, retryMaxDelayMs: 0, retryJitter: 0, retryOn: '', params: null, enabled: true,
    nextFireAt: new Date(nextFireAt), lastFireAt: null, retentionDays: null, version: 1, createdAt: new Date(0), updatedAt: new Date(0), ...extra,
  };
}

const config = (env: Record<string, string> = {}) => AppConfig.fromEnv({ TRIGGER_LOOKAHEAD_MS: '2000', TRIGGER_BATCH_SIZE: '2', TRIGGER_TICK_MS: '50', ...env });
/** The loop's metrics and run events (events count finished runs into the same metrics). */
const collaborators = (metrics = new BatonMetrics()) => [metrics, new RunEvents(metrics)] as const;
let loop: TriggerLoop | undefined;
afterEach(async () => {
  await loop?.stop();
  Logger.overrideLogger(['error']);
});

describe('TriggerLoop (in-memory repository, fake clock)', () => {
  it('drains due jobs in full batches within one tick and plans up to the look-ahead', async () => {
    const repo = new FakeTriggerRepository();
    repo.jobs = ['1', '2', '3', '4', '5'].map((id) => job(id, '* * * * * ?', '2030-01-01T00:00:01Z'));
    const metrics = new BatonMetrics();
    loop = new TriggerLoop(repo as unknown as TriggerRepository, config(), new FakeClock('2030-01-01T00:00:00.500Z'), ...collaborators(metrics));
    const result = await loop.tick(repo.holder);
    expect(result).toEqual({ dueJobs: 5, committedJobs: 5, insertedRuns: 10 });
    expect((await metrics.firesTotal.get()).values).toEqual([{ labels: { app_id: '1', trigger_type: 'CRON' }, value: 10 }]);
    expect((await metrics.triggerTick.get()).values.find((v) => v.metricName === 'baton_trigger_tick_seconds_count')?.value).toBe(1);
    expect(repo.commits).toBe(3);
    expect(repo.runs.filter((r) => r.jobId === '1').map((r) => r.fireTime)).toEqual(['2030-01-01T00:00:01.000Z', '2030-01-01T00:00:02.000Z']);
    expect(repo.jobs.every((j) => j.nextFireAt?.toISOString() === '2030-01-01T00:00:03.000Z')).toBe(true);
  });

  it('stops a tick when a whole batch changed meanwhile, leaving it for the next tick', async () => {
    const repo = new FakeTriggerRepository();
    repo.jobs = ['1', '2', '3'].map((id) => job(id, '* * * * * ?', '2030-01-01T00:00:01Z'));
    const realCommit = repo.commit.bind(repo);
    let first = true;
    repo.commit = async (term, plans) => {
      if (first) {
        first = false;
        for (const j of repo.jobs) j.version++; // every job edited between read and commit
      }
      return realCommit(term, plans);
    };
    loop = new TriggerLoop(repo as unknown as TriggerRepository, config(), new FakeClock('2030-01-01T00:00:00.500Z'), ...collaborators());
    expect(await loop.tick(repo.holder)).toEqual({ dueJobs: 2, committedJobs: 0, insertedRuns: 0 });
    expect(await loop.tick(repo.holder)).toMatchObject({ committedJobs: 3 });
  });

  it('a stored schedule that no longer evaluates stops visibly with a SKIPPED run', async () => {
    const repo = new FakeTriggerRepository();
    repo.jobs = [job('9', 'not a cron', '2030-01-01T00:00:01Z')];
    loop = new TriggerLoop(repo as unknown as TriggerRepository, config(), new FakeClock('2030-01-01T00:00:00.500Z'), ...collaborators());
    Logger.overrideLogger(false);
    await loop.tick(repo.holder);
    expect(repo.runs).toEqual([expect.objectContaining({ jobId: '9', status: 'SKIPPED', reason: expect.stringMatching(/^schedule cannot be evaluated: /) })]);
    expect(repo.jobs[0]!.nextFireAt).toBeNull();
  });

  it('reports the term lost, and stops ticking, when a fenced commit is refused', async () => {
    const repo = new FakeTriggerRepository();
    repo.jobs = [job('1', '* * * * * ?', '2030-01-01T00:00:01Z')];
    const clock = new FakeClock('2030-01-01T00:00:00.500Z');
    loop = new TriggerLoop(repo as unknown as TriggerRepository, config(), clock, ...collaborators());
    const lost: string[] = [];
    loop.start({ ...repo.holder, reportLost: (reason) => lost.push(reason) });
    await waitFor(() => repo.runs.length > 0, { message: 'first tick' });
    repo.holder = { nodeId: 'n2', epoch: '2' };
    clock.advance(1000);
    await waitFor(() => lost.length > 0, { message: 'lease loss reported' });
    expect(lost[0]).toMatch(/epoch 1 is no longer held/);
    await loop.stop();
    const commits = repo.commits;
    clock.advance(1000);
    expect(repo.runs.every((r) => r.epoch === '1')).toBe(true);
    expect(repo.commits).toBe(commits);
  });
});
