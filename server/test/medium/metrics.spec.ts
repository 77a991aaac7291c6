import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppWithTokenDto, DispatchMessage, DispatchReply, JobDto, RunDispatch } from '@baton/protocol';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createServerApp } from '../../src/app.factory.js';
import { AppConfig } from '../../src/config/app-config.js';
import { statementKind } from '../../src/database/query-timing.js';
import { readMigrations, sqliteSqlDir } from '../../src/database/sql-files.js';
import { NodeHeartbeat } from '../../src/modules/scheduler/node-heartbeat.js';
import { newApp, newJob } from '../support/builders.js';
import { waitFor } from '../support/poll.js';
import { connectRaw, handshake, type RawSocket } from '../support/raw-executor.js';
import { sql } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Every Baton series and its type (docs/operations.md lists the same). */
const SERIES: Record<string, string> = {
  baton_fires_total: 'counter',
  baton_run_dispatch_lateness_seconds: 'histogram',
  baton_run_start_lateness_seconds: 'histogram',
  baton_dispatch_ack_seconds: 'histogram',
  baton_runs_finished_total: 'counter',
  baton_runs_waiting: 'gauge',
  baton_retries_scheduled_total: 'counter',
  baton_runs_recovered_total: 'counter',
  baton_executors_online: 'gauge',
  baton_leader: 'gauge',
  baton_leader_epoch: 'gauge',
  baton_trigger_tick_seconds: 'histogram',
  baton_db_query_seconds: 'histogram',
  baton_alerts_sent_total: 'counter',
};

const FAST = { LEADER_LEASE_TTL_MS: '3000', LEADER_RENEW_INTERVAL_MS: '300', DISPATCH_POLL_MS: '50', RECOVERY_INTERVAL_MS: '200', EXECUTOR_HEARTBEAT_INTERVAL_MS: '500', TRIGGER_TICK_MS: '100', NODE_HEARTBEAT_INTERVAL_MS: '200' };

/** One sample of the text exposition format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line.trim());
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` carrying `labels`, or undefined when there is none. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hits.length === 0 ? undefined : hits.reduce((sum, s) => sum + s.value, 0);
}

async function scrape(server: TestServer): Promise<{ samples: Sample[]; text: string; contentType: string | null }> {
  const res = await server.api.get<string>(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  const text = res.body;
  return { samples: parse(text), text, contentType: res.headers.get('content-type') };
}

async function readyz(server: TestServer): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/readyz`);
  return { status: res.status, body: await res.json() };
}

/** A raw executor: `h` succeeds, `fail` fails, `hold` is accepted and then never heard of again. */
function serve(socket: RawSocket): RunDispatch[] {
  const seen: RunDispatch[] = [];
  socket.on('run.dispatch.v1', (msg: DispatchMessage, ack: (r: DispatchReply) => void) => {
    ack({ accepted: msg.runs.map((r) => r.runId), rejected: [] });
    for (const run of msg.runs) {
      seen.push(run);
      if (run.handler !== 'hold') void report(socket, run, run.handler === 'fail' ? 'FAILED' : 'SUCCEEDED');
    }
  });
  return seen;
}

async function report(socket: RawSocket, run: RunDispatch, outcome: 'SUCCEEDED' | 'FAILED'): Promise<void> {
  const ref = { runId: run.runId, attempt: run.attempt };
  await socket.timeout(5000).emitWithAck('run.started.v1', { ...ref, startedAt: new Date().toISOString() });
  const end = outcome === 'SUCCEEDED' ? { result: { ok: true } } : { error: { message: 'boom', retryable: true } };
  await socket.timeout(5000).emitWithAck('run.result.v1', { ...ref, outcome, finishedAt: new Date().toISOString(), ...end });
}

describe('GET /metrics', () => {
  let a: TestServer;
  let b: TestServer;
  let app: AppWithTokenDto;
  let idle: AppWithTokenDto;
  let cron: JobDto;
  let socket: RawSocket;
  let seen: RunDispatch[];

  beforeAll(async () => {
    [a, b] = await Promise.all([
      startTestServer({ label: 'metrics_a', env: { ...FAST, NODE_ID: 'metrics-a' } }),
      startTestServer({ label: 'metrics_b', env: { ...FAST, NODE_ID: 'metrics-b', SCHEDULER_ENABLED: 'false' } }),
    ]);
    app = await newApp(a.api);
    idle = await newApp(a.api);
    ({ socket } = await connectRaw(a.url, handshake(app.name, app.token, { handlers: ['h', 'fail', 'hold'] })));
    seen = serve(socket);
    // Nobody serves `idle`: its run waits, due, SCHEDULED (before the first scrape, so no cached count hides it).
    const waiting = await newJob(a.api, { app: idle.name, handler: 'h', schedule: { type: 'NONE', expression: null } as never });
    expect((await a.api.post(`/jobs/${waiting.key}/trigger`, {})).status).toBe(202);
    cron = await newJob(a.api, { app: app.name, handler: 'h', schedule: { type: 'CRON', expression: '* * * * * ?', timezone: 'UTC' } });
  });
  afterAll(async () => {
    socket?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('serves the series in the Prometheus text format, fed by fires, dispatches, reports, retries and recoveries', async () => {
    const nothing = { schedule: { type: 'NONE', expression: null } as never };
    const api = await newJob(a.api, { app: app.name, handler: 'h', ...nothing });
    const failing = await newJob(a.api, { app: app.name, handler: 'fail', retry: { maxAttempts: 2, backoff: 'FIXED', delayMs: 3_600_000, maxDelayMs: 3_600_000 }, ...nothing });
    const held = await newJob(a.api, { app: app.name, handler: 'hold', ...nothing });
    const apiRun = (await a.api.post(`/jobs/${api.key}/trigger`, {})).body;
    await a.api.post(`/jobs/${failing.key}/trigger`, {});
    const heldRun = (await a.api.post(`/jobs/${held.key}/trigger`, {})).body;
    // The held run was acknowledged; its lease then "expires", and the recoverer ends it LOST.
    await waitFor(async () => (await sql(a.db.url, 'SELECT acked_at FROM runs WHERE id = ?', [heldRun.id]))[0]?.acked_at, { message: 'the held run is acknowledged' });
    await sql(a.db.url, "UPDATE runs SET lease_until = '2000-01-01' WHERE id = ?", [heldRun.id]);

    const { samples, text, contentType } = await waitFor(
      async () => {
        const s = await scrape(a);
        const ready =
          (value(s.samples, 'baton_fires_total', { app_id: app.id, trigger_type: 'CRON' }) ?? 0) > 0 &&
          (value(s.samples, 'baton_runs_finished_total', { status: 'SUCCEEDED' }) ?? 0) >= 2 &&
          (value(s.samples, 'baton_runs_recovered_total', { outcome: 'LOST' }) ?? 0) >= 1 &&
          (value(s.samples, 'baton_retries_scheduled_total') ?? 0) >= 1 &&
          seen.some((r) => r.runId === apiRun.id);
        return ready && s;
      },
      { timeoutMs: 15_000, message: 'activity shows in /metrics' },
    );
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    // Every series is exposed with its type and documented; nothing else under baton_ is.
    const documented = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
    for (const [name, type] of Object.entries(SERIES)) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
      expect(documented, `${name} is documented`).toContain(`\`${name}\``);
    }
    expect([...text.matchAll(/^# TYPE (baton_\w+)/gm)].map((m) => m[1]).sort()).toEqual(Object.keys(SERIES).sort());
    expect(value(samples, 'baton_fires_total', { app_id: app.id, trigger_type: 'API' })).toBeGreaterThanOrEqual(3);
    expect(value(samples, 'baton_run_dispatch_lateness_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(value(samples, 'baton_run_dispatch_lateness_seconds_bucket', { le: '+Inf' })).toBe(value(samples, 'baton_run_dispatch_lateness_seconds_count'));
    expect(value(samples, 'baton_run_start_lateness_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(value(samples, 'baton_run_start_lateness_seconds_sum')).toBeLessThan(60 * value(samples, 'baton_run_start_lateness_seconds_count')!);
    expect(value(samples, 'baton_dispatch_ack_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'baton_runs_finished_total', { status: 'FAILED' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'baton_runs_finished_total', { status: 'LOST' })).toBe(1);
    expect(value(samples, 'baton_leader', { node: 'metrics-a' })).toBe(1);
    expect(value(samples, 'baton_leader_epoch', { node: 'metrics-a' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'baton_executors_online', { app: app.name })).toBe(1);
    expect(value(samples, 'baton_executors_online', { app: idle.name })).toBeUndefined();
    expect(value(samples, 'baton_runs_waiting')).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'baton_trigger_tick_seconds_count')).toBeGreaterThan(0);
    for (const kind of ['select', 'insert', 'update']) expect(value(samples, 'baton_db_query_seconds_count', { kind }), kind).toBeGreaterThan(0);
    expect(value(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    // Never a per-job or per-run label.
    expect(text).not.toMatch(/\b(job|job_id|run|run_id)="/);
    expect(text).not.toContain(cron.key);
  });

  it('keeps each app instance\'s values apart', async () => {
    const { samples, text } = await scrape(b);
    expect(value(samples, 'baton_leader', { node: 'metrics-b' })).toBe(0);
    expect(value(samples, 'baton_leader', { node: 'metrics-a' })).toBeUndefined();
    expect(value(samples, 'baton_fires_total')).toBeUndefined();
    expect(value(samples, 'baton_runs_finished_total')).toBeUndefined();
    expect(value(samples, 'baton_executors_online')).toBeUndefined();
    expect(value(samples, 'baton_runs_waiting')).toBeUndefined(); // not the leader
    expect(value(samples, 'baton_run_dispatch_lateness_seconds_count')).toBe(0);
    expect(text).toContain('# TYPE baton_fires_total counter');
  });

  it('lives outside /api/v1 and out of the OpenAPI document', async () => {
    expect((await a.api.get('/metrics')).status).toBe(404);
    const doc = (await (await fetch(`${a.url}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => /metrics|readyz|healthz/.test(p))).toEqual([]);
  });
});

describe('GET /readyz', () => {
  let server: TestServer;
  let heartbeat: NodeHeartbeat;

  beforeAll(async () => {
    // The periodic heartbeat is pushed out of the way; the test beats by hand.
    server = await startTestServer({ label: 'readyz', env: { NODE_ID: 'ready-node', SCHEDULER_ENABLED: 'false', NODE_HEARTBEAT_INTERVAL_MS: '60000' } });
    heartbeat = server.app.get(NodeHeartbeat);
    await heartbeat.beat();
  });
  afterAll(async () => {
    await server?.close();
  });

  const failing = (body: any) => Object.entries(body.details.checks as Record<string, string>).flatMap(([k, v]) => (v === 'ok' ? [] : [k]));

  it('is ready when the database answers, the schema is current and the node is registered; /healthz stays trivial', async () => {
    expect(await readyz(server)).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', schema: 'ok', node: 'ok' } } });
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('is 503 naming the schema when the database is at another schema version than the server\'s files, or lacks the table', async () => {
    await sql(server.db.url, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, '9999_from_the_future.sql', ?, ?)", ['0'.repeat(64), new Date()]);
    const res = await readyz(server);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('NOT_READY');
    expect(failing(res.body)).toEqual(['schema']);
    expect(res.body.details.checks.schema).toMatch(/migration 9999 applied.*newer than this server/);
    expect(res.body.message).toContain('schema');
    await sql(server.db.url, 'DELETE FROM schema_migrations WHERE version = 9999');
    expect((await readyz(server)).status).toBe(200);
    const latest = (server.db.engine === 'sqlite' ? readMigrations(sqliteSqlDir()) : readMigrations()).at(-1);
    if (latest) {
      // Behind: the newest migration "not applied" (as with MIGRATE_ON_START=false before a DBA ran it).
      const [row] = await sql(server.db.url, 'SELECT * FROM schema_migrations WHERE version = ?', [latest.version]);
      await sql(server.db.url, 'DELETE FROM schema_migrations WHERE version = ?', [latest.version]);
      try {
        const behind = await readyz(server);
        expect(failing(behind.body)).toEqual(['schema']);
        expect(behind.body.details.checks.schema).toMatch(/migrations are pending/);
      } finally {
        await sql(server.db.url, 'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)', [row.version, row.name, row.checksum, row.applied_at]);
      }
      expect((await readyz(server)).status).toBe(200);
    }
    await sql(server.db.url, 'ALTER TABLE schema_migrations RENAME TO schema_migrations_away');
    try {
      const missing = await readyz(server);
      expect(failing(missing.body)).toEqual(['schema']);
      expect(missing.body.details.checks.schema).toMatch(/schema_migrations table is missing/);
    } finally {
      await sql(server.db.url, 'ALTER TABLE schema_migrations_away RENAME TO schema_migrations');
    }
    expect((await readyz(server)).status).toBe(200);
  });

  it('is 503 naming the node when its scheduler_nodes row is gone, until the next heartbeat writes it', async () => {
    await sql(server.db.url, "DELETE FROM scheduler_nodes WHERE id = 'ready-node'");
    const res = await readyz(server);
    expect(res.status).toBe(503);
    expect(failing(res.body)).toEqual(['node']);
    await heartbeat.beat();
    expect((await readyz(server)).status).toBe(200);
  });

  it('is 503 naming the node before the node has registered (not listening yet)', async () => {
    const config = AppConfig.fromEnv({ DATABASE_URL: server.db.url, PORT: '0', HOST: '127.0.0.1', NODE_ID: 'not-listening', SCHEDULER_ENABLED: 'false', DATABASE_POOL_SIZE: '2' });
    const early = await createServerApp({ config, quiet: true });
    try {
      await early.init();
      const res = await request(early.getHttpServer()).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.details.checks).toEqual({ database: 'ok', schema: 'ok', node: expect.stringMatching(/not registered/) });
    } finally {
      await early.close();
    }
  });

  it('is 503 naming the database when it does not answer', async () => {
    await server.app.get(DataSource).destroy();
    const res = await readyz(server);
    expect(res.status).toBe(503);
    expect(failing(res.body)).toContain('database');
  });
});

describe('statementKind', () => {
  it.each([
    ['SELECT 1', 'select'],
    ['  (SELECT a FROM t) UNION (SELECT b FROM u)', 'select'],
    ['insert into runs (a) values (?)', 'insert'],
    ['UPDATE jobs SET x = 1', 'update'],
    ['DELETE FROM runs', 'delete'],
    ['START TRANSACTION', 'other'],
    ['SET SESSION innodb_lock_wait_timeout = ?', 'other'],
  ])('%s → %s', (statement, kind) => {
    expect(statementKind(statement)).toBe(kind);
  });
});
