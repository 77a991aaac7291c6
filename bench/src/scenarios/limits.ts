import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import type { Scenario } from '../lib/context.js';

const BATCH = 1_000;
/** The columns and values an API trigger inserts (server/src/modules/triggers/triggers.repository.ts). */
const COLUMNS = ['job_id', 'app_id', 'trigger_type', 'status', 'scheduled_at', 'shard_index', 'shard_total', 'params', 'idempotency_key', 'created_at', 'updated_at'];
const IN_FLIGHT = 256;

/**
 * What the machine allows, measured in the same run: batched run-row INSERTs into MariaDB (one
 * connection, the shape and indexes of `runs`, in a transaction each like the server's), and
 * socket.io round trips between two local processes.
 */
export const limits: Scenario = {
  name: 'limits',
  title: 'The limit: raw MariaDB batched inserts and socket.io round trips on this machine',
  figures: [
    { key: 'insertRowsPerSecond', label: 'run rows/s, multi-row INSERT of 1,000 (1 connection)' },
    { key: 'socketRoundTripsPerSecond', label: `socket.io round trips/s (${IN_FLIGHT} in flight)` },
    { key: 'socketSequentialPerSecond', label: 'socket.io round trips/s (one at a time)' },
  ],
  async run(ctx) {
    const seconds = ctx.options.limitSeconds ?? (ctx.options.quick ? 2 : 5);
    const reps = [];
    const conn = await ctx.db.pool.getConnection();
    await conn.query(runsTableAs('bench_scratch_runs'));
    const echo = await startEcho();
    try {
      for (let rep = 0; rep < ctx.options.repetitions; rep++) {
        const tuple = `(${COLUMNS.map(() => '?').join(', ')})`;
        const sql = `INSERT INTO bench_scratch_runs (${COLUMNS.join(', ')}) VALUES ${Array.from({ length: BATCH }, () => tuple).join(', ')}`;
        let rows = 0;
        const started = performance.now();
        while (performance.now() - started < seconds * 1000) {
          const now = new Date();
          const values = Array.from({ length: BATCH }, (_, i) => [1, 1, 'API', 'SCHEDULED', new Date(now.getTime() + i), 0, 1, null, null, now, now]).flat();
          await conn.beginTransaction();
          await conn.query(sql, values);
          await conn.commit();
          rows += BATCH;
        }
        const insertRowsPerSecond = rows / ((performance.now() - started) / 1000);
        await conn.query('TRUNCATE TABLE bench_scratch_runs');
        const socketRoundTripsPerSecond = await roundTrips(echo.url, IN_FLIGHT, seconds);
        const socketSequentialPerSecond = await roundTrips(echo.url, 1, Math.min(seconds, 2));
        reps.push({ insertRowsPerSecond, socketRoundTripsPerSecond, socketSequentialPerSecond });
        ctx.log(`  limits rep ${rep + 1}: ${Math.round(insertRowsPerSecond)} rows/s, ${Math.round(socketRoundTripsPerSecond)} round trips/s`);
      }
    } finally {
      await conn.query('DROP TABLE IF EXISTS bench_scratch_runs');
      conn.release();
      echo.stop();
    }
    return { reps, setup: `${seconds} s per measurement. Inserts: one connection, a transaction per ${BATCH}-row INSERT into a copy of \`runs\` (same columns and indexes as the server's trigger-batch insert). Round trips: socket.io 4 over websocket to a bare echo server in another local process, a small payload with an ack each.` };
  },
};

/** `CREATE TABLE runs` from sql/schema.sql under another name: the same columns and indexes, no server needed. */
function runsTableAs(name: string): string {
  const schema = readFileSync(fileURLToPath(new URL('../../../sql/schema.sql', import.meta.url)), 'utf8');
  const create = /CREATE TABLE runs \([\s\S]*?\) ENGINE=[^;]*;/.exec(schema);
  if (!create) throw new Error('sql/schema.sql has no CREATE TABLE runs');
  return create[0].replace('CREATE TABLE runs', `CREATE TABLE ${name}`).replace(/;$/, '');
}

async function startEcho(): Promise<{ url: string; stop(): void }> {
  const child = fork(fileURLToPath(new URL('../../dist/socket-echo.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', () => reject(new Error('socket echo server exited')));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

/** Round trips completed per second with `inFlight` emits outstanding at all times. */
async function roundTrips(url: string, inFlight: number, seconds: number): Promise<number> {
  const socket = io(url, { transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const payload = { runId: '123456789', attempt: 1, at: Date.now() };
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const lane = async () => {
    while (performance.now() < deadline) {
      await socket.emitWithAck('echo', payload);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const elapsed = (performance.now() - started) / 1000;
  socket.close();
  return done / elapsed;
}
