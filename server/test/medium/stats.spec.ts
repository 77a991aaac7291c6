import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, DispatchMessage, DispatchReply, JobDto, RunDispatch, RunDto, StatsResponse } from '@baton/protocol';
import { DataSource } from 'typeorm';
import { RunEntity } from '../../src/modules/runs/run.entity.js';
import { RunRollup } from '../../src/modules/stats/run-rollup.js';
import { newApp, newJob } from '../support/builders.js';
import { waitFor } from '../support/poll.js';
import { connectRaw, handshake, type RawSocket } from '../support/raw-executor.js';
import { sql, insertedId } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// A real leader (trigger loop, dispatcher, recoverer) with fast timings. A bare socket.io
// executor reports whatever each run's params ask for, with the start and end times in them, so
// runs end in chosen hours of the past: the rollups bucket by finished_at.
let server: TestServer;
const sockets: RawSocket[] = [];
let appA: AppWithTokenDto;
let appB: AppWithTokenDto;
let j1: JobDto; // ends placed in past hours, exact durations
let j2: JobDto; // a LOST run
let j3: JobDto; // a fire skipped by the misfire policy (announced by the trigger loop after its commit)
let k1: JobDto; // app B, counted through the listener directly

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const D = Math.floor(Date.now() / DAY) * DAY; // today, 00:00 UTC
const Y = D - DAY; // yesterday
const Y2 = Y - DAY; // the day before
const at = (ms: number) => new Date(ms).toISOString();

interface Plan {
  outcome?: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  startedAt?: string;
  finishedAt?: string;
  /** Accept the dispatch and never start nor report: the run ends LOST when its lease runs out. */
  hold?: boolean;
  /** Send the result twice, as an executor whose ack was lost does. */
  twice?: boolean;
}

async function executor(app: AppWithTokenDto, handlers: string[]): Promise<void> {
  const { socket } = await connectRaw(server.url, handshake(app.name, app.token, { handlers, concurrency: 16 }));
  sockets.push(socket);
  socket.on('run.dispatch.v1', (msg: DispatchMessage, ack: (reply: DispatchReply) => void) => {
    ack({ accepted: msg.runs.map((r) => r.runId), rejected: [] });
    for (const run of msg.runs) setTimeout(() => void report(socket, run), 10);
  });
}

async function report(socket: RawSocket, run: RunDispatch): Promise<void> {
  const plan = run.params as Plan;
  if (plan.hold) return;
  const ref = { runId: run.runId, attempt: run.attempt };
  await socket.timeout(5000).emitWithAck('run.started.v1', { ...ref, startedAt: plan.startedAt });
  const end = plan.outcome === 'SUCCEEDED' ? { result: { ok: true } } : { error: { message: 'boom', retryable: false } };
  const result = { ...ref, outcome: plan.outcome, startedAt: plan.startedAt, finishedAt: plan.finishedAt, ...end };
  await socket.timeout(5000).emitWithAck('run.result.v1', result);
  if (plan.twice) await socket.timeout(5000).emitWithAck('run.result.v1', result);
}

async function trigger(job: JobDto, params: Plan | Record<string, never>, body: object = {}): Promise<RunDto> {
  const res = await server.api.post<RunDto>(`/jobs/${job.key}/trigger`, { params, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

const runOf = async (id: string) => (await server.api.get<RunDto>(`/runs/${id}`)).body;
const finalRun = (id: string, timeoutMs = 10_000) =>
  waitFor(async () => {
    const r = await runOf(id);
    return ['SCHEDULED', 'DISPATCHED', 'RUNNING'].includes(r.status) ? null : r;
  }, { timeoutMs, message: `run ${id} ended` });

async function rollupRows(job: JobDto) {
  return sql(
    server.db.url,
    'SELECT bucket_start, app_id, succeeded, failed, timed_out, cancelled, lost, skipped, duration_ms_sum, duration_ms_max, duration_count FROM run_stats_hourly WHERE job_id = ? ORDER BY bucket_start',
    [job.id],
  );
}
const row = (r: Record<string, unknown>) => ({
  bucket: new Date(r.bucket_start as Date).toISOString(),
  counts: [r.succeeded, r.failed, r.timed_out, r.cancelled, r.lost, r.skipped].map(Number),
  durations: [r.duration_ms_sum, r.duration_ms_max, r.duration_count].map(Number),
});

async function stats(query: string): Promise<StatsResponse> {
  const res = await server.api.get<StatsResponse>(`/stats${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const ZERO = { succeeded: 0, failed: 0, timedOut: 0, cancelled: 0, lost: 0, skipped: 0, runs: 0, avgDurationMs: null, maxDurationMs: null };
let cancelledAt: number;
let lostAt: number;
let skippedRuns: number;
let skippedAt: number;

beforeAll(async () => {
  server = await startTestServer({
    label: 'stats',
    env: {
      LEADER_LEASE_TTL_MS: '3000',
      LEADER_RENEW_INTERVAL_MS: '300',
      TRIGGER_TICK_MS: '100',
      DISPATCH_POLL_MS: '50',
      RECOVERY_INTERVAL_MS: '200',
      EXECUTOR_HEARTBEAT_INTERVAL_MS: '400',
      RUN_LEASE_MS: '1000',
    },
  });
  appA = await newApp(server.api);
  appB = await newApp(server.api);
  const none = { type: 'NONE', expression: null } as never;
  j1 = await newJob(server.api, { app: appA.name, handler: 'h1', schedule: none });
  j2 = await newJob(server.api, { app: appA.name, handler: 'h2', schedule: none });
  j3 = await newJob(server.api, { app: appA.name, handler: 'h3', schedule: { type: 'CRON', expression: '0 0 0 * * ?', timezone: 'UTC' }, misfire: { policy: 'SKIP', thresholdMs: 1000 } });
  k1 = await newJob(server.api, { app: appB.name, handler: 'h1', schedule: none });
  await executor(appA, ['h1', 'h2']);

  // j1: three successes in yesterday's 10:00 hour (one reported twice), a failure that ends
  // just after 11:00, a timeout the day before; then a cancel now.
  const plans: Plan[] = [
    { outcome: 'SUCCEEDED', startedAt: at(Y + 10 * HOUR), finishedAt: at(Y + 10 * HOUR + 2000) },
    { outcome: 'SUCCEEDED', startedAt: at(Y + 10 * HOUR + 20 * 60_000), finishedAt: at(Y + 10 * HOUR + 20 * 60_000 + 5000) },
    { outcome: 'SUCCEEDED', startedAt: at(Y + 10 * HOUR + 40 * 60_000), finishedAt: at(Y + 10 * HOUR + 40 * 60_000 + 3000), twice: true },
    { outcome: 'FAILED', startedAt: at(Y + 11 * HOUR - 1000), finishedAt: at(Y + 11 * HOUR + 500) },
    { outcome: 'TIMED_OUT', startedAt: at(Y2 + 5 * HOUR), finishedAt: at(Y2 + 5 * HOUR + 1000) },
  ];
  const runs = await Promise.all(plans.map((p) => trigger(j1, p)));
  const ended = await Promise.all(runs.map((r) => finalRun(r.id)));
  expect(ended.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT']);
  const later = await trigger(j1, {}, { runAt: at(Date.now() + HOUR) });
  const cancelled = await server.api.post<RunDto>(`/runs/${later.id}/cancel`);
  expect(cancelled.body.status).toBe('CANCELLED');
  cancelledAt = Date.parse(cancelled.body.finishedAt!);

  // j2: dispatched, acknowledged, never started: LOST when the lease runs out (no duration).
  const lost = await finalRun((await trigger(j2, { hold: true })).id);
  expect(lost.status).toBe('LOST');
  lostAt = Date.parse(lost.finishedAt!);

  // j3: its planned fire lies a day in the past; the misfire policy SKIP records it SKIPPED.
  await sql(server.db.url, 'UPDATE jobs SET next_fire_at = ? WHERE id = ?', [new Date(Y), j3.id]);
  const skipped = await waitFor(async () => {
    const rows = await sql(server.db.url, "SELECT COUNT(*) AS n, MAX(finished_at) AS at FROM runs WHERE job_id = ? AND status = 'SKIPPED'", [j3.id]);
    return Number(rows[0].n) > 0 ? rows[0] : null;
  }, { message: 'the misfire SKIPPED run of j3' });
  skippedRuns = Number(skipped.n);
  skippedAt = new Date(skipped.at).getTime();

  // k1 (app B): a staged ended run, counted by calling the listener as RunEvents would.
  const staging = await sql(
    server.db.url,
    "INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, started_at, finished_at, created_at, updated_at) VALUES (?, ?, 'API', 'SUCCEEDED', ?, ?, ?, ?, ?)",
    [k1.id, k1.appId, new Date(Y + 10 * HOUR), new Date(Y + 10 * HOUR + 100), new Date(Y + 10 * HOUR + 10_100), new Date(Y + 10 * HOUR), new Date(Y + 10 * HOUR + 10_100)],
  );
  const staged = await server.app.get(DataSource).getRepository(RunEntity).findOneByOrFail({ id: insertedId(staging) });
  expect(await server.app.get(RunRollup).runEnded(staged)).toBe(true);
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;

describe('rollups', () => {
  it('count each ended run once, in the UTC hour of its end, with its duration', async () => {
    const rows = (await rollupRows(j1)).map(row);
    expect(rows).toEqual([
      { bucket: at(Y2 + 5 * HOUR), counts: [0, 0, 1, 0, 0, 0], durations: [1000, 1000, 1] },
      { bucket: at(Y + 10 * HOUR), counts: [3, 0, 0, 0, 0, 0], durations: [10_000, 5000, 3] }, // the re-sent result counted once
      { bucket: at(Y + 11 * HOUR), counts: [0, 1, 0, 0, 0, 0], durations: [1500, 1500, 1] },
      { bucket: at(hourOf(cancelledAt)), counts: [0, 0, 0, 1, 0, 0], durations: [0, 0, 0] }, // cancelled before it started: no duration
    ]);
    expect((await rollupRows(j1)).every((r) => String(r.app_id) === appA.id)).toBe(true);
  });

  it('count LOST runs (no start, no duration) and misfire skips exactly as the runs table has them', async () => {
    expect((await rollupRows(j2)).map(row)).toEqual([{ bucket: at(hourOf(lostAt)), counts: [0, 0, 0, 0, 1, 0], durations: [0, 0, 0] }]);
    expect((await rollupRows(j3)).map(row)).toEqual([{ bucket: at(hourOf(skippedAt)), counts: [0, 0, 0, 0, 0, skippedRuns], durations: [0, 0, 0] }]);
  });

  it('the listener ignores runs that have not ended', async () => {
    const rollup = server.app.get(RunRollup);
    expect(await rollup.runEnded({ jobId: k1.id, appId: k1.appId, status: 'RUNNING', startedAt: new Date(), finishedAt: null, updatedAt: new Date() })).toBe(false);
    expect((await rollupRows(k1)).map(row)).toEqual([{ bucket: at(Y + 10 * HOUR), counts: [1, 0, 0, 0, 0, 0], durations: [10_000, 10_000, 1] }]);
  });
});

describe('GET /stats', () => {
  it('a job, hourly: every hour of the range, totals over it', async () => {
    const body = await stats(`?job=${j1.key}&from=${at(Y2)}&to=${at(D)}`);
    expect(body).toMatchObject({ from: at(Y2), to: at(D), bucket: 'hour' });
    expect(body.series).toHaveLength(48);
    expect(body.series.map((p) => p.at)).toEqual(Array.from({ length: 48 }, (_, i) => at(Y2 + i * HOUR)));
    expect(body.totals).toEqual({ succeeded: 3, failed: 1, timedOut: 1, cancelled: 0, lost: 0, skipped: 0, runs: 5, avgDurationMs: 2500, maxDurationMs: 5000 });
    const point = (t: number) => body.series.find((p) => p.at === at(t));
    expect(point(Y + 10 * HOUR)).toEqual({ at: at(Y + 10 * HOUR), ...ZERO, succeeded: 3, runs: 3, avgDurationMs: 3333, maxDurationMs: 5000 });
    expect(point(Y + 11 * HOUR)).toEqual({ at: at(Y + 11 * HOUR), ...ZERO, failed: 1, runs: 1, avgDurationMs: 1500, maxDurationMs: 1500 });
    expect(point(Y2 + 5 * HOUR)).toMatchObject({ timedOut: 1, runs: 1, avgDurationMs: 1000 });
    expect(point(Y + 9 * HOUR)).toEqual({ at: at(Y + 9 * HOUR), ...ZERO });
    // the same job by id, and the range rounded out to whole hours
    const byId = await stats(`?job=${j1.id}&from=${at(Y + 10 * HOUR + 59 * 60_000)}&to=${at(Y + 11 * HOUR + 1)}`);
    expect(byId).toMatchObject({ from: at(Y + 10 * HOUR), to: at(Y + 12 * HOUR) });
    expect(byId.series.map((p) => p.runs)).toEqual([3, 1]);
  });

  it('a job, daily: hours summed per UTC day in SQL', async () => {
    const body = await stats(`?job=${j1.key}&bucket=day&from=${at(Y2)}&to=${at(D)}`);
    expect(body).toMatchObject({ from: at(Y2), to: at(D), bucket: 'day' });
    expect(body.series).toEqual([
      { at: at(Y2), ...ZERO, timedOut: 1, runs: 1, avgDurationMs: 1000, maxDurationMs: 1000 },
      { at: at(Y), ...ZERO, succeeded: 3, failed: 1, runs: 4, avgDurationMs: 2875, maxDurationMs: 5000 },
    ]);
    expect(body.totals).toMatchObject({ runs: 5, avgDurationMs: 2500, maxDurationMs: 5000 });
  });

  it('an app sums its jobs (and only its jobs); no filter sums everything', async () => {
    const range = `&bucket=day&from=${at(Y2)}&to=${at(D + DAY)}`;
    const a = await stats(`?app=${appA.name}${range}`);
    expect(a.series.map((p) => p.at)).toEqual([at(Y2), at(Y), at(D)]);
    expect(a.totals).toEqual({ succeeded: 3, failed: 1, timedOut: 1, cancelled: 1, lost: 1, skipped: skippedRuns, runs: 7 + skippedRuns, avgDurationMs: 2500, maxDurationMs: 5000 });
    expect((await stats(`?app=${appA.id}${range}`)).totals).toEqual(a.totals);
    const b = await stats(`?app=${appB.name}${range}`);
    expect(b.totals).toEqual({ ...ZERO, succeeded: 1, runs: 1, avgDurationMs: 10_000, maxDurationMs: 10_000 });
    const all = await stats(`?${range.slice(1)}`);
    expect(all.totals).toEqual({ ...a.totals, succeeded: 4, runs: 8 + skippedRuns, avgDurationMs: 3750, maxDurationMs: 10_000 });
    // app and job together must agree
    expect((await stats(`?app=${appA.name}&job=${j1.key}${range}`)).totals.runs).toBe(6);
  });

  it('defaults to the last 24 hours, hourly', async () => {
    const before = Date.now();
    const body = await stats(`?job=${j2.key}`);
    expect(body.bucket).toBe('hour');
    expect([24, 25]).toContain(body.series.length);
    expect(Date.parse(body.to)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(body.series.length * HOUR);
    expect(body.totals).toEqual({ ...ZERO, lost: 1, runs: 1 });
    expect((await stats(`?job=${j3.key}`)).totals).toEqual({ ...ZERO, skipped: skippedRuns, runs: skippedRuns });
    const daily = await stats(`?job=${j2.key}&bucket=day`);
    expect(daily.series).toHaveLength(2);
    expect(daily.totals.lost).toBe(1);
  });

  it.each([
    ['?bucket=week', 'bucket'],
    ['?from=yesterday', 'from'],
    ['?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'from'],
    ['?from=2030-01-01T00:00:00Z&to=2030-04-02T00:00:00Z', 'to'],
    ['?from=2030-01-01T00:00:00Z&to=2031-03-01T00:00:00Z&bucket=day', 'to'],
    ['?limit=10', 'limit'],
  ])('rejects %s with 400 at %s', async (query, field) => {
    const res = await server.api.get(`/stats${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('accepts 90 days hourly and 400 days daily', async () => {
    expect((await stats('?from=2030-01-01T00:00:00Z&to=2030-04-01T00:00:00Z')).series).toHaveLength(2160);
    expect((await stats('?from=2030-01-01T00:00:00Z&to=2031-02-05T00:00:00Z&bucket=day')).series).toHaveLength(400);
  });

  it('404s an unknown app or job, and 400s a job outside the given app', async () => {
    expect((await server.api.get(`/stats?app=nope-${Date.now()}`)).body.code).toBe('APP_NOT_FOUND');
    expect((await server.api.get(`/stats?job=${appA.name}:nope`)).body.code).toBe('JOB_NOT_FOUND');
    expect((await server.api.get('/stats?job=999999999')).status).toBe(404);
    const res = await server.api.get(`/stats?app=${appB.name}&job=${j1.key}`);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'job', message: expect.stringContaining(`does not belong to app ${appB.name}`) }]);
  });
});
