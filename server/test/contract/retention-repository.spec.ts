import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/app-config.js';
import { LeaseLostError } from '../../src/modules/scheduler/leader-duty.js';
import type { FenceToken } from '../../src/modules/scheduler/lease-fence.js';
import { RetentionJanitor } from '../../src/modules/stats/retention-janitor.js';
import { RetentionRepository, type CreatedCursor } from '../../src/modules/stats/retention.repository.js';
import { FakeClock } from '../support/fake-clock.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { TEST_ENGINES } from '../support/test-database.js';

const DAY = 86_400_000;
const OPEN = ['SCHEDULED', 'DISPATCHED', 'RUNNING'];
const TERM: FenceToken = { nodeId: 'janitor-node', epoch: '7' };
const config = { retentionDays: 30, retentionBatchSize: 2, retentionIntervalMs: 60_000, leaderLeaseTtlMs: 15_000 } as AppConfig;

interface StagedRun {
  job?: string;
  status: string;
  /** Days before now it was created (and, when it has ended, finished). */
  age: number;
  root?: string;
  shard?: number;
  shardTotal?: number;
  fireTime?: Date;
  attempt?: number;
}

// The retention janitor's statements: keyset reads of old rows, and fenced, batched deletes that
// never break a chain that is still going.
describe.each(TEST_ENGINES)('RetentionRepository on %s', (engine) => {
  let e: EngineDatabase;
  let repo: RetentionRepository;
  let now: Date;
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const q = (statement: string, params: unknown[] = []) => e.dataSource.query(statement, params);
  const ids = async (statement: string, params: unknown[] = []) => ((await q(statement, params)) as Array<{ id: unknown }>).map((r) => String(r.id));

  async function stageRun(r: StagedRun): Promise<string> {
    const at = ago(r.age);
    const res = await q(
      `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, fire_time, root_run_id, shard_index, shard_total, attempt, started_at, finished_at, log_seq, created_at, updated_at)
       VALUES (?, 1, 'API', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      [r.job ?? '1', r.status, at, r.fireTime ?? null, r.root ?? null, r.shard ?? 0, r.shardTotal ?? 1, r.attempt ?? (r.root ? 2 : 1), at, OPEN.includes(r.status) ? null : at, at, at],
    );
    return String(res.insertId);
  }

  async function stageChunks(runId: string, age: number, count: number): Promise<void> {
    for (let seq = 1; seq <= count; seq++) {
      await q("INSERT INTO run_log_chunks (run_id, seq, content, line_count, bytes, created_at) VALUES (?, ?, '[]', 1, 2, ?)", [runId, seq, ago(age)]);
    }
    await q('UPDATE runs SET log_seq = ? WHERE id = ?', [count, runId]);
  }

  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'retention');
    repo = new RetentionRepository(e.dataSource, e.info, config);
  });
  afterAll(async () => e?.close());
  beforeEach(async () => {
    now = new Date();
    for (const table of ['runs', 'run_log_chunks', 'alerts', 'run_stats_hourly', 'jobs']) await q(`DELETE FROM ${table}`);
    await q("UPDATE scheduler_lease SET holder = ?, epoch = ?, acquired_at = ?, expires_at = ? WHERE name = 'leader'", [TERM.nodeId, TERM.epoch, now, new Date(now.getTime() + 3_600_000)]);
  });

  it('reads old runs in (created_at, id) batches that neither skip nor repeat rows sharing a time', async () => {
    const staged = [await stageRun({ status: 'SUCCEEDED', age: 50 })];
    const tie = ago(40);
    for (let i = 0; i < 3; i++) staged.push(await stageRun({ status: i === 1 ? 'RUNNING' : 'FAILED', age: 40 }));
    await q('UPDATE runs SET created_at = ? WHERE id IN (?)', [tie, staged.slice(1)]);
    staged.push(await stageRun({ status: 'SUCCEEDED', age: 31 }));
    await stageRun({ status: 'SUCCEEDED', age: 29 }); // after the cutoff

    const seen: string[] = [];
    let cursor: CreatedCursor | null = null;
    for (;;) {
      const batch = await repo.runsCreatedBefore(ago(30), cursor, 2);
      seen.push(...batch.map((r) => r.id));
      if (batch.length < 2) break;
      cursor = { createdAt: batch.at(-1)!.createdAt, id: batch.at(-1)!.id };
    }
    expect(seen).toEqual(staged);
    const [tied] = await repo.runsCreatedBefore(ago(30), { createdAt: ago(50), id: staged[0]! }, 1);
    expect(tied).toMatchObject({ id: staged[1], jobId: '1', status: 'FAILED', createdAt: tie, finishedAt: ago(40), logSeq: 0 });
  });

  it('deletes ended runs with their log chunks, and keeps open runs and every run of a chain still going', async () => {
    const doneA = await stageRun({ status: 'SUCCEEDED', age: 40 });
    await stageChunks(doneA, 40, 3);
    const doneRoot = await stageRun({ status: 'FAILED', age: 40 });
    const doneRetry = await stageRun({ status: 'FAILED', age: 39, root: doneRoot });
    const open = await stageRun({ status: 'RUNNING', age: 40 });
    await stageChunks(open, 40, 1);
    const rootOfOpen = await stageRun({ status: 'FAILED', age: 40 }); // its retry is still waiting
    await stageRun({ status: 'SCHEDULED', age: 39, root: rootOfOpen });
    const openRoot = await stageRun({ status: 'RUNNING', age: 40, shard: 0, shardTotal: 2 });
    const retryOfOpenRoot = await stageRun({ status: 'FAILED', age: 40, root: openRoot, shard: 1, shardTotal: 2, attempt: 1 });
    const fire = ago(41);
    const shardDone = await stageRun({ status: 'SUCCEEDED', age: 41, fireTime: fire, shard: 0, shardTotal: 2 });
    await stageRun({ status: 'DISPATCHED', age: 41, fireTime: fire, shard: 1, shardTotal: 2 }); // its sibling shard

    const candidates = [doneA, doneRoot, doneRetry, open, rootOfOpen, retryOfOpenRoot, shardDone];
    expect(await repo.deleteRuns(TERM, candidates)).toEqual({ runs: 3, logChunks: 3 });
    const left = await ids('SELECT id FROM runs WHERE id IN (?) ORDER BY id', [candidates]);
    expect(left).toEqual([open, rootOfOpen, retryOfOpenRoot, shardDone]);
    expect(await ids('SELECT run_id AS id FROM run_log_chunks')).toEqual([open]);
    expect(await repo.deleteRuns(TERM, candidates)).toEqual({ runs: 0, logChunks: 0 });
  });

  it('deletes nothing for a deposed leader', async () => {
    const done = await stageRun({ status: 'SUCCEEDED', age: 40 });
    await q("UPDATE scheduler_lease SET epoch = epoch + 1 WHERE name = 'leader'");
    await expect(repo.deleteRuns(TERM, [done])).rejects.toBeInstanceOf(LeaseLostError);
    await expect(repo.deleteRollupsBefore(TERM, now, 10)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await ids('SELECT id FROM runs')).toEqual([done]);
  });

  it('deletes log chunks only once their run is gone', async () => {
    const gone = await stageRun({ status: 'SUCCEEDED', age: 40 });
    const kept = await stageRun({ status: 'SUCCEEDED', age: 40 });
    await stageChunks(gone, 40, 2);
    await stageChunks(kept, 40, 1);
    await q('DELETE FROM runs WHERE id = ?', [gone]);
    const chunks = await repo.logChunksCreatedBefore(ago(30), null, 10);
    expect(chunks.map((c) => c.runId)).toEqual([gone, gone, kept]);
    const existing = await repo.existingRunIds(chunks.map((c) => c.runId));
    expect([...existing]).toEqual([kept]);
    expect(await repo.deleteOrphanLogChunks(TERM, chunks.map((c) => c.id))).toBe(2);
    expect(await ids('SELECT run_id AS id FROM run_log_chunks')).toEqual([kept]);
  });

  it('deletes alerts and rollup rows oldest first, at most a batch per call, never a pending alert', async () => {
    for (const [age, status] of [[12, 'SENT'], [50, 'SENT'], [40, 'PENDING'], [30, 'FAILED'], [20, 'SENT']] as const) {
      await q("INSERT INTO alerts (channel_id, kind, dedupe_key, status, payload, created_at) VALUES (1, 'RUN_DEAD', ?, ?, '{}', ?)", [`k${age}`, status, ago(age)]);
    }
    expect(await repo.deleteAlertsBefore(TERM, ago(15), 2)).toBe(2);
    expect(await ids('SELECT dedupe_key AS id FROM alerts ORDER BY created_at')).toEqual(['k40', 'k20', 'k12']);
    expect(await repo.deleteAlertsBefore(TERM, ago(15), 2)).toBe(1);
    expect(await repo.deleteAlertsBefore(TERM, ago(15), 2)).toBe(0);
    expect(await ids('SELECT dedupe_key AS id FROM alerts ORDER BY created_at')).toEqual(['k40', 'k12']);

    const hours = [500, 401, 450, 10].map((d) => new Date(Math.floor(ago(d).getTime() / 3_600_000) * 3_600_000));
    for (const [i, bucket] of hours.entries()) await q('INSERT INTO run_stats_hourly (job_id, bucket_start, app_id, succeeded) VALUES (?, ?, 1, 1)', [i + 1, bucket]);
    expect(await repo.deleteRollupsBefore(TERM, ago(400), 2)).toBe(2);
    expect(await ids('SELECT job_id AS id FROM run_stats_hourly ORDER BY bucket_start')).toEqual(['2', '4']);
    expect(await repo.deleteRollupsBefore(TERM, ago(400), 2)).toBe(1);
    expect(await ids('SELECT job_id AS id FROM run_stats_hourly')).toEqual(['4']);
  });

  it('a janitor pass applies each job its own retention (shorter or longer), in batches, and keeps open chains', async () => {
    const job = async (name: string, retentionDays: number | null) => {
      const res = await q(
        `INSERT INTO jobs (app_id, name, handler, schedule_type, timezone, misfire_policy, misfire_threshold_ms, catch_up_limit, route_strategy, block_strategy,
                           retry_backoff, retry_delay_ms, retry_max_delay_ms, retry_on, retention_days, created_at, updated_at)
         VALUES (1, ?, 'h', 'NONE', 'UTC', 'SKIP', 5000, 1, 'FIRST', 'SERIAL', 'FIXED', 1000, 1000, 'FAILED', ?, ?, ?)`,
        [name, retentionDays, now, now],
      );
      return String(res.insertId);
    };
    const global = await job('global', null);
    const short = await job('short', 7);
    const long = await job('long', 90);
    expect(await repo.overrideJobs()).toEqual([
      { id: short, retentionDays: 7 },
      { id: long, retentionDays: 90 },
    ]);
    const gone: string[] = [];
    const kept: string[] = [];
    const stage = async (list: string[], r: StagedRun) => {
      const id = await stageRun(r);
      list.push(id);
      return id;
    };
    await stage(gone, { job: global, status: 'SUCCEEDED', age: 45 });
    await stage(gone, { job: global, status: 'FAILED', age: 31 });
    await stage(kept, { job: global, status: 'SUCCEEDED', age: 20 });
    const openRoot = await stage(kept, { job: global, status: 'FAILED', age: 40 });
    await stage(kept, { job: global, status: 'SCHEDULED', age: 35, root: openRoot });
    for (const age of [20, 10, 8]) await stage(gone, { job: short, status: 'SUCCEEDED', age });
    await stage(kept, { job: short, status: 'RUNNING', age: 9 });
    await stage(kept, { job: short, status: 'SUCCEEDED', age: 5 });
    await stage(gone, { job: long, status: 'CANCELLED', age: 95 });
    await stage(kept, { job: long, status: 'SUCCEEDED', age: 60 });
    await stage(gone, { job: '999', status: 'SKIPPED', age: 33 }); // a deleted job: the global retention
    for (const id of gone) await stageChunks(id, 1, 1);

    const janitor = new RetentionJanitor(repo, config, new FakeClock(now));
    janitor.batchPauseMs = 0;
    const result = await janitor.runOnce(TERM);
    expect(result).toMatchObject({ runs: gone.length, logChunks: gone.length });
    expect(result.batches).toBeGreaterThan(gone.length / config.retentionBatchSize);
    expect(await ids('SELECT id FROM runs ORDER BY id')).toEqual([...kept].sort((a, b) => Number(a) - Number(b)));
    expect(await ids('SELECT id FROM run_log_chunks')).toEqual([]);
  });
});
