import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, JobDto } from '@baton/protocol';
import { LeaderLeaseRepository } from '../../src/modules/scheduler/leader-lease.repository.js';
import { LeaseLostError } from '../../src/modules/scheduler/leader-duty.js';
import { OTHER_BATCHES_PER_PASS, RetentionJanitor, RUN_BATCHES_PER_PASS } from '../../src/modules/stats/retention-janitor.js';
import { newApp, newJob } from '../support/builders.js';
import { sql, insertedId } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// The janitor is driven by hand: this node never campaigns (SCHEDULER_ENABLED=false) and holds
// the lease through the repository. Rows are staged straight into the tables, dated in the past.
// RETENTION_BATCH_SIZE=3 makes every walk take several batches, and step over rows it keeps.
let server: TestServer;
let app: AppWithTokenDto;
let janitor: RetentionJanitor;
let term: { nodeId: string; epoch: string };
let jobG: JobDto; // the global 30 days
let jobLong: JobDto; // retention_days 90
let jobShort: JobDto; // retention_days 7
const GONE_JOB = '999999'; // runs whose job was deleted: the global cutoff
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

interface StagedRun {
  status: string;
  created: number;
  finished?: number | null;
  root?: string;
  shard?: number;
  dead?: boolean;
}

async function stageRun(job: { id: string; appId: string }, r: StagedRun): Promise<string> {
  const finished = r.finished === undefined ? (['SCHEDULED', 'DISPATCHED', 'RUNNING'].includes(r.status) ? null : r.created) : r.finished;
  const res = await sql(
    server.db.url,
    `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, root_run_id, shard_index, shard_total, attempt, dead, started_at, finished_at, log_seq, created_at, updated_at)
     VALUES (?, ?, 'API', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    [
      job.id,
      job.appId,
      r.status,
      ago(r.created),
      r.root ?? null,
      r.shard ?? 0,
      r.shard === undefined ? 1 : 2,
      r.root && r.shard === undefined ? 2 : 1,
      r.dead ? 1 : 0,
      finished === null ? null : ago(r.created),
      finished === null ? null : ago(finished),
      ago(r.created),
      ago(r.created),
    ],
  );
  return insertedId(res);
}

async function stageChunks(runId: string, days: number, count = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const res = await sql(server.db.url, "INSERT INTO run_log_chunks (run_id, seq, content, line_count, bytes, created_at) VALUES (?, ?, '[]', 1, 10, ?)", [runId, seq, ago(days)]);
    ids.push(insertedId(res));
  }
  await sql(server.db.url, 'UPDATE runs SET log_seq = ? WHERE id = ?', [count, runId]);
  return ids;
}

async function stageAlert(days: number, status: string): Promise<string> {
  const res = await sql(
    server.db.url,
    "INSERT INTO alerts (channel_id, kind, dedupe_key, status, payload, created_at) VALUES (1, 'RUN_DEAD', ?, ?, '{}', ?)",
    [`k-${Math.random()}`, status, ago(days)],
  );
  return insertedId(res);
}

async function stageRollup(jobId: string, days: number): Promise<string> {
  const bucket = new Date(Math.floor(ago(days).getTime() / 3_600_000) * 3_600_000);
  await sql(server.db.url, 'INSERT INTO run_stats_hourly (job_id, bucket_start, app_id, succeeded) VALUES (?, ?, ?, 1)', [jobId, bucket, app.id]);
  return bucket.toISOString();
}

const ids = async (statement: string, params: unknown[] = []) => (await sql(server.db.url, statement, params)).map((r) => String(r.id)).sort((a, b) => Number(a) - Number(b));
const sorted = (list: string[]) => [...list].sort((a, b) => Number(a) - Number(b));
const counts = async () =>
  (await sql(server.db.url, 'SELECT (SELECT COUNT(*) FROM runs) AS runs, (SELECT COUNT(*) FROM run_log_chunks) AS chunks, (SELECT COUNT(*) FROM alerts) AS alerts, (SELECT COUNT(*) FROM run_stats_hourly) AS rollups'))[0];

beforeAll(async () => {
  server = await startTestServer({ label: 'retention', env: { SCHEDULER_ENABLED: 'false', RETENTION_DAYS: '30', RETENTION_BATCH_SIZE: '3' } });
  app = await newApp(server.api);
  const none = { type: 'NONE', expression: null } as never;
  jobG = await newJob(server.api, { app: app.name, schedule: none });
  jobLong = await newJob(server.api, { app: app.name, schedule: none, retentionDays: 90 });
  jobShort = await newJob(server.api, { app: app.name, schedule: none, retentionDays: 7 });
  janitor = server.app.get(RetentionJanitor);
  janitor.batchPauseMs = 0;
  const claim = await server.app.get(LeaderLeaseRepository).claim('test-node', 600_000);
  term = { nodeId: 'test-node', epoch: claim.epoch };
});
afterAll(async () => {
  await server?.close();
});

describe('RetentionJanitor.runOnce', () => {
  it('deletes exactly what is past its retention, and nothing that is open or still needed', async () => {
    const g = { id: jobG.id, appId: app.id };
    const gone = { id: GONE_JOB, appId: app.id };
    const deleted: string[] = [];
    const kept: string[] = [];
    const del = async (job: { id: string; appId: string }, r: StagedRun) => {
      const id = await stageRun(job, r);
      deleted.push(id);
      return id;
    };
    const keep = async (job: { id: string; appId: string }, r: StagedRun) => {
      const id = await stageRun(job, r);
      kept.push(id);
      return id;
    };

    // Global retention (30 days): interleaved by age, so batches of 3 mix kept and deleted rows.
    const g1 = await del(g, { status: 'SUCCEEDED', created: 40 });
    await keep(g, { status: 'SCHEDULED', created: 60 }); // due far in the future: open
    await keep(g, { status: 'RUNNING', created: 45 });
    await keep(g, { status: 'DISPATCHED', created: 45 });
    await del(g, { status: 'FAILED', created: 31 });
    await del(g, { status: 'CANCELLED', created: 35, finished: 35 });
    await del(g, { status: 'SKIPPED', created: 50 });
    await del(g, { status: 'LOST', created: 33 });
    await del(g, { status: 'TIMED_OUT', created: 32 });
    const g3 = await keep(g, { status: 'SUCCEEDED', created: 20 });
    await keep(g, { status: 'SUCCEEDED', created: 50, finished: 10 }); // created long ago, ended recently
    // A dead root whose operator retry is still waiting: the chain is open, both stay.
    const c1 = await keep(g, { status: 'FAILED', created: 40, dead: true });
    await keep(g, { status: 'SCHEDULED', created: 35, root: c1 });
    // A chain that has ended: both attempts go.
    const d1 = await del(g, { status: 'FAILED', created: 40 });
    await del(g, { status: 'FAILED', created: 39, root: d1, dead: true });
    // An unplanned broadcast: shard 1 ended long ago, shard 0 (the root) is still running.
    const s0 = await keep(g, { status: 'RUNNING', created: 40, shard: 0 });
    await keep(g, { status: 'SUCCEEDED', created: 40, root: s0, shard: 1 });
    // A deleted job's runs follow the global retention.
    await del(gone, { status: 'SUCCEEDED', created: 41 });
    await keep(gone, { status: 'SUCCEEDED', created: 29 });
    // Overrides: 90 days (longer) and 7 days (shorter) than the global 30.
    // (Within a job, ids grow with creation, as they do when the server writes them.)
    await del({ id: jobLong.id, appId: app.id }, { status: 'FAILED', created: 100 });
    await keep({ id: jobLong.id, appId: app.id }, { status: 'SUCCEEDED', created: 89 });
    const l1 = await keep({ id: jobLong.id, appId: app.id }, { status: 'SUCCEEDED', created: 40 });
    await del({ id: jobShort.id, appId: app.id }, { status: 'SUCCEEDED', created: 10 });
    await del({ id: jobShort.id, appId: app.id }, { status: 'SUCCEEDED', created: 8 });
    await keep({ id: jobShort.id, appId: app.id }, { status: 'RUNNING', created: 10 });
    await del({ id: jobShort.id, appId: app.id }, { status: 'SUCCEEDED', created: 9 });
    await keep({ id: jobShort.id, appId: app.id }, { status: 'SUCCEEDED', created: 3 });

    // Logs: a deleted run's chunks go with it; a kept run's stay even when old; orphans go after 30 days.
    const goneChunks = await stageChunks(g1, 40, 2);
    const keptChunks = [...(await stageChunks(g3, 20)), ...(await stageChunks(l1, 40)), ...(await stageChunks(c1, 40))];
    const oldOrphans = [...(await stageChunks('888888', 40)), ...(await stageChunks('888889', 31))];
    keptChunks.push(...(await stageChunks('888890', 5))); // an orphan, but recent

    // Alerts: old ones go, unless still pending; rollups: kept 400 days.
    const oldAlert = await stageAlert(40, 'SENT');
    const oldFailed = await stageAlert(31, 'FAILED');
    const keptAlerts = [await stageAlert(40, 'PENDING'), await stageAlert(5, 'SENT')];
    await stageRollup(jobG.id, 401);
    const keptRollups = [await stageRollup(jobG.id, 399), await stageRollup(jobG.id, 40)].sort();

    // A stale term deletes nothing.
    const before = await counts();
    const stale = { nodeId: term.nodeId, epoch: String(BigInt(term.epoch) - 1n) };
    await expect(janitor.runOnce(stale)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(janitor.runOnce({ nodeId: 'someone-else', epoch: term.epoch })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await counts()).toEqual(before);

    const result = await janitor.runOnce(term);
    expect(result).toMatchObject({ runs: deleted.length, logChunks: 2, orphanLogChunks: 2, alerts: 2, rollups: 1 });
    expect(result.batches).toBeGreaterThan(5);
    expect(await ids('SELECT id FROM runs')).toEqual(sorted(kept));
    expect(await ids('SELECT id FROM run_log_chunks')).toEqual(sorted(keptChunks));
    expect(goneChunks.concat(oldOrphans).every((id) => !keptChunks.includes(id))).toBe(true);
    expect(await ids('SELECT id FROM alerts')).toEqual(sorted(keptAlerts));
    expect(keptAlerts).not.toContain(oldAlert);
    expect(keptAlerts).not.toContain(oldFailed);
    expect((await sql(server.db.url, 'SELECT bucket_start FROM run_stats_hourly ORDER BY bucket_start')).map((r) => new Date(r.bucket_start).toISOString())).toEqual(keptRollups);

    // Nothing more to do; once the chain has ended, its old members go too.
    expect(await janitor.runOnce(term)).toMatchObject({ runs: 0, logChunks: 0, orphanLogChunks: 0, alerts: 0, rollups: 0 });
    await sql(server.db.url, "UPDATE runs SET status = 'SUCCEEDED', finished_at = ? WHERE root_run_id = ? AND status = 'SCHEDULED'", [ago(31), c1]);
    expect(await janitor.runOnce(term)).toMatchObject({ runs: 2, logChunks: 1 });
    expect(await ids('SELECT id FROM runs WHERE id = ? OR root_run_id = ?', [c1, c1])).toEqual([]);
  });

  it('bounds each pass and works a backlog off over several passes', async () => {
    await sql(server.db.url, 'DELETE FROM runs');
    const values = Array.from({ length: 400 }, (_, i) => [GONE_JOB, app.id, 'API', 'SUCCEEDED', ago(60), ago(60 - i / 1000), ago(60 - i / 1000), ago(60 - i / 1000), ago(60)]);
    await sql(
      server.db.url,
      `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, started_at, finished_at, created_at, updated_at) VALUES ${values.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      values.flat(),
    );
    const first = await janitor.runOnce(term);
    expect(first.batches).toBeLessThanOrEqual(RUN_BATCHES_PER_PASS + 3 * OTHER_BATCHES_PER_PASS);
    expect(first.runs).toBeGreaterThan(0);
    expect(first.runs).toBeLessThanOrEqual(RUN_BATCHES_PER_PASS * 3);
    let total = first.runs;
    for (let pass = 0; pass < 10 && total < 400; pass++) total += (await janitor.runOnce(term)).runs;
    expect(total).toBe(400);
    expect(Number((await sql(server.db.url, 'SELECT COUNT(*) AS n FROM runs'))[0].n)).toBe(0);
  });
});
