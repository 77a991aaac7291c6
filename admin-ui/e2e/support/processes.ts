import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { FAST_CLUSTER_ENV } from '../../../server/test/support/e2e-env';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVER_MAIN = `${ROOT}server/dist/main.js`;
export const DEMO_EXECUTOR = `${ROOT}executor-sdk/dist/examples/demo-executor.js`;
export const CONSOLE_DIR = `${ROOT}admin-ui/dist`;
const DATABASE_URL = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** The server's own e2e settings (short leases and intervals), plus a short kill grace, so runs play out in seconds. */
export const FAST_SERVER_ENV: Record<string, string> = { ...FAST_CLUSTER_ENV, KILL_GRACE_MS: '1500' };

export interface Child {
  process: ChildProcess;
  match: RegExpExecArray;
  output(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => live.forEach((c) => c.kill('SIGKILL')));

/** Runs `node script` and resolves once a stdout line matches `ready`. */
export function startNode(name: string, script: string, env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 30_000): Promise<Child> {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        live.delete(child);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${out.slice(-4000)}`));
    }, timeoutMs);
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = ready.exec(line.trim());
        if (m) {
          clearTimeout(timer);
          resolve({ process: child, match: m, output: () => out, stop });
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${out.slice(-4000)}`));
    });
  });
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file on the local MariaDB. */
export async function createDatabase(label: string): Promise<TestDatabase> {
  const base = new URL(DATABASE_URL);
  const name = `baton_ui_${label}_${randomBytes(4).toString('hex')}`;
  const connect = () => mysql.createConnection({ host: base.hostname, port: Number(base.port || 3306), user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) });
  const conn = await connect();
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = await connect();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export async function startServer(databaseUrl: string, nodeId: string, env: Record<string, string> = {}) {
  const child = await startNode(
    `server ${nodeId}`,
    SERVER_MAIN,
    { ...process.env, ...FAST_SERVER_ENV, PORT: '0', HOST: '127.0.0.1', BATON_PRINT_PORT: '1', NODE_ID: nodeId, DATABASE_URL: databaseUrl, LOG_LEVEL: 'log', CONSOLE_DIR, ...env },
    /^BATON_LISTENING port=(\d+)$/,
  );
  return { ...child, url: `http://127.0.0.1:${child.match[1]}` };
}

export async function startExecutor(serverUrl: string, app: string, token: string, concurrency = 4) {
  return startNode('demo executor', DEMO_EXECUTOR, { ...process.env, BATON_SERVERS: serverUrl, BATON_APP: app, BATON_TOKEN: token, BATON_CONCURRENCY: String(concurrency) }, /^DEMO_EXECUTOR_READY instance=(\S+)$/, 20_000);
}
