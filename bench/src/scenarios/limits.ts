import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import type { Scenario } from '../lib/context.js';
import type { Figures } from '../lib/stats.js';

const BATCH = 1_000;
/** The columns and values an API trigger inserts (server/src/modules/triggers/triggers.repository.ts). */
const COLUMNS = ['job_id', 'app_id', 'trigger_type', 'status', 'scheduled_at', 'shard_index', 'shard_total', 'params', 'idempotency_key', 'created_at', 'updated_at'];
const IN_FLIGHT = 256;

const SCRATCH = 'bench_scratch_runs';

/**
 * What the machine allows, measured in the same run: batched run-row INSERTs into the engine (one
 * connection, the shape and indexes of `runs`, in a transaction each like the server's; on SQLite
 * with the server's WAL and synchronous FULL), and socket.io round trips between two local processes.
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
    const sqlite = ctx.db.engine === 'sqlite';
    const reps: Figures[] = [];
    const echo = await startEcho();
    try {
      await ctx.db.session(async (session) => {
        for (const statement of sqlite ? sqliteRunsTableAs(SCRATCH) : [runsTableAs(SCRATCH)]) await session.execute(statement);
        try {
          for (let rep = 0; rep < ctx.options.repetitions; rep++) {
            const tuple = `(${COLUMNS.map(() => '?').join(', ')})`;
            const sql = `INSERT INTO ${SCRATCH} (${COLUMNS.join(', ')}) VALUES ${Array.from({ length: BATCH }, () => tuple).join(', ')}`;
            let rows = 0;
            const started = performance.now();
            while (performance.now() - started < seconds * 1000) {
              const now = new Date();
              const values = Array.from({ length: BATCH }, (_, i) => [1, 1, 'API', 'SCHEDULED', new Date(now.getTime() + i), 0, 1, null, null, now, now]).flat();
              await session.transaction(() => session.execute(sql, values));
              rows += BATCH;
            }
            const insertRowsPerSecond = rows / ((performance.now() - started) / 1000);
            await session.execute(sqlite ? `DELETE FROM ${SCRATCH}` : `TRUNCATE TABLE ${SCRATCH}`);
            const socketRoundTripsPerSecond = await roundTrips(echo.url, IN_FLIGHT, seconds);
            const socketSequentialPerSecond = await roundTrips(echo.url, 1, Math.min(seconds, 2));
            reps.push({ insertRowsPerSecond, socketRoundTripsPerSecond, socketSequentialPerSecond });
            ctx.log(`  limits rep ${rep + 1}: ${Math.round(insertRowsPerSecond)} rows/s, ${Math.round(socketRoundTripsPerSecond)} round trips/s`);
          }
        } finally {
          await session.execute(`DROP TABLE IF EXISTS ${SCRATCH}`);
        }
      });
    } finally {
      echo.stop();
    }
    const inserts = sqlite
      ? `one connection, a transaction (BEGIN IMMEDIATE; WAL, synchronous FULL, as the server) per ${BATCH}-row INSERT into a copy of \`runs\` (same columns and indexes as the server's trigger-batch insert)`
      : `one connection, a transaction per ${BATCH}-row INSERT into a copy of \`runs\` (same columns and indexes as the server's trigger-batch insert)`;
    return {
      reps,
      title: sqlite ? 'The limit: raw SQLite batched inserts and socket.io round trips on this machine' : undefined,
      setup: `${seconds} s per measurement. Inserts: ${inserts}. Round trips: socket.io 4 over websocket to a bare echo server in another local process, a small payload with an ack each.`,
    };
  },
};

function readSchema(relative: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../sql/${relative}`, import.meta.url)), 'utf8');
}

/** `CREATE TABLE runs` from sql/schema.sql under another name: the same columns and indexes, no server needed. */
function runsTableAs(name: string): string {
  const create = /CREATE TABLE runs \([\s\S]*?\) ENGINE=[^;]*;/.exec(readSchema('schema.sql'));
  if (!create) throw new Error('sql/schema.sql has no CREATE TABLE runs');
  return create[0].replace('CREATE TABLE runs', `CREATE TABLE ${name}`).replace(/;$/, '');
}

/** The same from sql/sqlite/schema.sql: the table, then its indexes (SQLite declares them apart, with names unique per file). */
function sqliteRunsTableAs(name: string): string[] {
  const schema = readSchema('sqlite/schema.sql');
  const create = /CREATE TABLE runs \([\s\S]*?\n\);/.exec(schema);
  if (!create) throw new Error('sql/sqlite/schema.sql has no CREATE TABLE runs');
  const indexes = [...schema.matchAll(/CREATE (UNIQUE )?INDEX (\w+) ON runs (\([^)]*\));/g)].map(([, unique, index, columns]) => `CREATE ${unique ?? ''}INDEX ${name}_${index} ON ${name} ${columns}`);
  if (indexes.length === 0) throw new Error('sql/sqlite/schema.sql has no index on runs');
  return [create[0].replace('CREATE TABLE runs', `CREATE TABLE ${name}`), ...indexes];
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
