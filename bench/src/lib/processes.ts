import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adminEnv, BenchApi } from './api.js';

const SERVER_MAIN = fileURLToPath(new URL('../../../server/dist/main.js', import.meta.url));
// From bench/src/lib (tests) and bench/dist/lib alike: the compiled executor script.
const BENCH_EXECUTOR = fileURLToPath(new URL('../../dist/bench-executor.js', import.meta.url));
const OUTPUT_KEPT = 64 * 1024;

/** Every child still running; killed if the bench ends early, so no node outlives it. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of live) child.kill('SIGKILL');
    process.exit(130);
  });
}

function track(child: ChildProcess): Promise<void> {
  live.add(child);
  return new Promise((resolve) => child.once('exit', () => {
    live.delete(child);
    resolve();
  }));
}

function assertBuilt(path: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` at the repository root first.`);
}

/**
 * A short lease, so a failover plays out in seconds. The renew interval stays at its default
 * (TTL / 3 = 1 s): the end-to-end tests' 300 ms made a busy leader step down (its lease claim
 * took longer than the interval) and leadership flap under the bench's load.
 */
export const FAST_CLUSTER_ENV: Record<string, string> = {
  LEADER_LEASE_TTL_MS: '3000',
  NODE_HEARTBEAT_INTERVAL_MS: '500',
  EXECUTOR_HEARTBEAT_INTERVAL_MS: '500',
};

export interface ServerNode {
  nodeId: string;
  pid: number;
  url: string;
  api: BenchApi;
  exited: Promise<void>;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** `node server/dist/main.js` on a free port of 127.0.0.1, ready once it prints its port and answers. */
export async function startServer(opts: { databaseUrl: string; nodeId: string; env?: Record<string, string>; api?: BenchApi }): Promise<ServerNode> {
  assertBuilt(SERVER_MAIN);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    BATON_PRINT_PORT: '1',
    NODE_ID: opts.nodeId,
    DATABASE_URL: opts.databaseUrl,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ...adminEnv(),
    ...opts.env,
  };
  // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the nodes.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, SERVER_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = track(child);
  let output = '';
  // BENCH_SERVER_LOG_DIR=/tmp/x keeps each node's full output in /tmp/x/<node id>.log.
  const logFile = process.env.BENCH_SERVER_LOG_DIR ? createWriteStream(`${process.env.BENCH_SERVER_LOG_DIR}/${opts.nodeId}.log`) : undefined;
  const append = (chunk: Buffer) => {
    logFile?.write(chunk);
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stderr!.on('data', append);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server ${opts.nodeId} did not start within 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      append(chunk);
      const hit = /BATON_LISTENING port=(\d+)/.exec(output);
      if (hit) {
        clearTimeout(timer);
        resolve(Number(hit[1]));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server ${opts.nodeId} exited during start:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const api = opts.api ? opts.api.forNode(url) : await new BenchApi(url).connect();
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    nodeId: opts.nodeId,
    pid: child.pid!,
    url,
    api,
    exited,
    output: () => output,
    kill,
    async stop() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await kill('SIGTERM');
      clearTimeout(timer);
    },
  };
}

/** What the bench executor reports for each handler start: run id, job id, planned time, start time (ms). */
export type StartRecord = [runId: string, jobId: string, scheduledAt: number, startedAt: number];

export interface BenchExecutor {
  pid: number;
  /** Every handler start reported so far (in arrival order; duplicates kept). */
  starts: StartRecord[];
  /** Forgets the starts recorded so far. */
  reset(): void;
  stop(): Promise<void>;
}

/** One executor process (the real SDK) whose no-op handler `noop` reports each start. */
export async function startExecutor(opts: { servers: string[]; app: string; token: string; concurrency: number }): Promise<BenchExecutor> {
  assertBuilt(BENCH_EXECUTOR);
  const child = fork(BENCH_EXECUTOR, [], {
    env: { ...process.env, BENCH_SERVERS: opts.servers.join(','), BENCH_APP: opts.app, BENCH_TOKEN: opts.token, BENCH_CONCURRENCY: String(opts.concurrency) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = track(child);
  const executor: BenchExecutor = {
    pid: child.pid!,
    starts: [],
    reset() {
      executor.starts = [];
    },
    async stop() {
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('executor did not connect within 30 s')), 30_000);
    child.on('message', (message: { type: string; starts?: StartRecord[]; error?: string }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (message.type === 'starts') {
        for (const record of message.starts!) executor.starts.push(record);
      } else if (message.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`executor failed: ${message.error}`));
      }
    });
    void exited.then(() => reject(new Error('executor exited during start')));
  });
  return executor;
}
