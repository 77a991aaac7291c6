#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo`: the server (with the console) and the SDK's demo executor, plus sample jobs,
 * so the console shows runs within a minute. Ctrl-C stops the executor, then the server.
 *
 * Environment:
 *   DATABASE_URL           default sqlite:data/baton-demo.sqlite (embedded; relative to the repository)
 *   PORT / HOST            default 8080 / 127.0.0.1 (PORT=0 picks a free port)
 *   BATON_ADMIN_EMAIL      the admin to sign in as (default admin@baton.demo) ...
 *   BATON_ADMIN_PASSWORD   ... and the password (default: generated on the first demo start and
 *                          kept in data/demo-admin.json, so later starts on the same database match)
 *   BATON_DEMO_BUILD=1     rebuild even when the build output exists
 *
 * Prints `BATON_DEMO_READY url=<origin> server_pid=<pid> executor_pid=<pid>` once everything runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_MAIN = join(ROOT, 'server/dist/main.js');
const EXECUTOR_MAIN = join(ROOT, 'executor-sdk/dist/examples/demo-executor.js');
const SEED_MODULE = join(ROOT, 'executor-sdk/dist/examples/demo-seed.js');
const CONSOLE_INDEX = join(ROOT, 'admin-ui/dist/index.html');
const CREDENTIALS_FILE = join(ROOT, 'data/demo-admin.json');
/** The embedded engine, in a file of its own so the demo's data stays apart from `npm start`'s. */
const DEFAULT_DATABASE_URL = 'sqlite:data/baton-demo.sqlite';
const DEFAULT_ADMIN_EMAIL = 'admin@baton.demo';
const APP = 'demo';
const STOP_TIMEOUT_MS = 15_000;

/** @typedef {{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<number | null>, lines: string[] }} Proc */

/** @type {Proc[]} */
const procs = [];
let stopping = false;
/** Set once both processes run; before that, a process that exits fails the start with its output. */
let running = false;

async function main() {
  ensureBuilt();
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const admin = adminCredentials(databaseUrl);

  const server = startProcess('server', SERVER_MAIN, {
    DATABASE_URL: databaseUrl,
    HOST: process.env.HOST || '127.0.0.1',
    PORT: process.env.PORT ?? '8080',
    BATON_PRINT_PORT: '1',
    BATON_ADMIN_EMAIL: admin.email,
    BATON_ADMIN_PASSWORD: admin.password,
  });
  const listening = await waitForLine(server, /^BATON_LISTENING port=(\d+)\s*$/, 60_000, 'the server to listen');
  const origin = `http://127.0.0.1:${listening[1]}`;
  await waitForReady(origin, server);

  /** @type {typeof import('../executor-sdk/dist/examples/demo-seed.js')} */
  const { seedDemo } = await import(pathToFileURL(SEED_MODULE).href);
  const seeded = await seedDemo({ url: origin, app: APP, admin });
  if (admin.generated) saveCredentials(databaseUrl, admin);

  const executor = startProcess('executor', EXECUTOR_MAIN, {
    BATON_SERVERS: origin,
    BATON_APP: APP,
    BATON_TOKEN: seeded.token,
  });
  await waitForLine(executor, /^DEMO_EXECUTOR_READY/, 30_000, 'the demo executor to connect');

  running = true;
  printBanner({ origin, databaseUrl, admin, seeded });
  console.log(`BATON_DEMO_READY url=${origin} server_pid=${server.child.pid} executor_pid=${executor.child.pid}`);
  streamOutput(server);
  streamOutput(executor);
}

function ensureBuilt() {
  const missing = [SERVER_MAIN, EXECUTOR_MAIN, SEED_MODULE, CONSOLE_INDEX].filter((file) => !existsSync(file));
  if (missing.length === 0 && process.env.BATON_DEMO_BUILD !== '1') return;
  if (missing.length > 0) console.log(`Building first (${missing.map((f) => relative(ROOT, f)).join(', ')} missing): npm run build`);
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

/**
 * The admin the server creates on its first start (from BATON_ADMIN_EMAIL/BATON_ADMIN_PASSWORD)
 * and the demo signs in as. A generated password is kept per database in data/demo-admin.json,
 * since the next demo start on the same database finds that admin already there.
 * @param {string} databaseUrl
 */
function adminCredentials(databaseUrl) {
  if (process.env.BATON_ADMIN_PASSWORD) {
    return { email: process.env.BATON_ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL, password: process.env.BATON_ADMIN_PASSWORD, generated: false };
  }
  const saved = readSavedCredentials()[databaseUrl];
  if (saved) return { email: saved.email, password: saved.password, generated: false };
  return { email: process.env.BATON_ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL, password: randomBytes(18).toString('base64url'), generated: true };
}

/** @returns {Record<string, { email: string, password: string }>} */
function readSavedCredentials() {
  if (!existsSync(CREDENTIALS_FILE)) return {};
  try {
    return JSON.parse(readFileSync(CREDENTIALS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/** @param {string} databaseUrl @param {{ email: string, password: string }} admin */
function saveCredentials(databaseUrl, admin) {
  mkdirSync(dirname(CREDENTIALS_FILE), { recursive: true });
  const all = { ...readSavedCredentials(), [databaseUrl]: { email: admin.email, password: admin.password } };
  writeFileSync(CREDENTIALS_FILE, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Starts a compiled script in its own process group, so the terminal's Ctrl-C reaches only this
 * launcher, which then stops the executor before the server.
 * @param {string} name @param {string} script @param {Record<string, string>} env
 * @returns {Proc}
 */
function startProcess(name, script, env) {
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  /** @type {string[]} */
  const lines = [];
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (/** @type {Buffer} */ chunk) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) child.emit('line', line);
    });
  }
  child.on('line', (line) => {
    lines.push(line);
    if (lines.length > 500) lines.shift();
  });
  const proc = { name, child, exited, lines };
  procs.push(proc);
  exited.then((code) => {
    if (running && !stopping) {
      console.error(`\nThe ${name} exited unexpectedly (code ${code}); stopping the demo.`);
      void stop(1);
    }
  });
  return proc;
}

/**
 * @param {Proc} proc @param {RegExp} pattern @param {number} timeoutMs @param {string} what
 * @returns {Promise<RegExpExecArray>}
 */
function waitForLine(proc, pattern, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const seen = proc.lines.map((l) => pattern.exec(l)).find(Boolean);
    if (seen) return resolve(seen);
    const timer = setTimeout(() => fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}`), timeoutMs);
    const onLine = (/** @type {string} */ line) => {
      const match = pattern.exec(line);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = () => fail(`the ${proc.name} exited while waiting for ${what}`);
    const cleanup = () => {
      clearTimeout(timer);
      proc.child.off('line', onLine);
      proc.child.off('exit', onExit);
    };
    const fail = (/** @type {string} */ reason) => {
      cleanup();
      reject(new StartError(reason, proc));
    };
    proc.child.on('line', onLine);
    proc.child.on('exit', onExit);
  });
}

/** @param {string} origin @param {Proc} server */
async function waitForReady(origin, server) {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new StartError('the server exited before it was ready', server);
    try {
      const res = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new StartError(`the server did not become ready in 60 s (last /readyz answer: ${last})`, server);
}

class StartError extends Error {
  /** @param {string} message @param {Proc} proc */
  constructor(message, proc) {
    super(message);
    this.proc = proc;
  }
}

/** @param {Proc} proc */
function streamOutput(proc) {
  proc.child.on('line', (line) => console.log(`[${proc.name}] ${line}`));
}

/**
 * @param {{ origin: string, databaseUrl: string, admin: { email: string, password: string, generated: boolean },
 *   seeded: import('../executor-sdk/dist/examples/demo-seed.js').SeedDemoResult }} info
 */
function printBanner({ origin, databaseUrl, admin, seeded }) {
  const consoleUrl = origin.replace('127.0.0.1', 'localhost');
  const signIn = `${admin.email} / ${admin.password}` + (existsSync(CREDENTIALS_FILE) && !process.env.BATON_ADMIN_PASSWORD ? `   (kept in ${relative(ROOT, CREDENTIALS_FILE)})` : '');
  const jobs = seeded.createdJobs.length > 0 ? `created ${seeded.createdJobs.join(', ')}` : `already there: ${seeded.existingJobs.join(', ')}`;
  console.log(
    [
      '',
      'Baton demo is running.',
      `  Console    ${consoleUrl}/`,
      `  Sign in    ${signIn}`,
      `  API        ${consoleUrl}/api/v1   (OpenAPI reference at ${consoleUrl}/api/docs)`,
      `  Database   ${redact(databaseUrl)}${process.env.DATABASE_URL ? '' : '   (embedded default; set DATABASE_URL=mysql://… to use MySQL)'}`,
      `  Jobs       app "${seeded.app}": ${jobs}`,
      '             hello-every-10s (cron, every 10 s), progress (fixed rate 30 s, starts child job report), flaky (fails half the time, retried)',
      '',
      'The first runs show in the console within about 10 seconds. Ctrl-C stops the executor and the server.',
      '',
    ].join('\n'),
  );
}

/** @param {string} url */
function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Stops the executor (it finishes or hands back its runs), then the server; SIGKILL after 15 s each. @param {number} code */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const name of ['executor', 'server']) {
    const proc = procs.find((p) => p.name === name);
    if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) continue;
    proc.child.kill('SIGTERM');
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await proc.exited;
    clearTimeout(timer);
  }
  process.exit(code);
}

// A crash of the launcher itself must not leave the detached children behind.
process.on('exit', () => {
  for (const { child } of procs) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    if (stopping) process.exit(130); // a second Ctrl-C stops waiting
    console.log(`\n${signal}: stopping the demo executor, then the server...`);
    void stop(0);
  });
}

main().catch((error) => {
  console.error(`\nThe demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof StartError) console.error(`Last output of the ${error.proc.name}:\n${error.proc.lines.slice(-40).join('\n')}`);
  if (String(error).includes('/auth/login')) {
    console.error('\nThe database already has an admin with another password: set BATON_ADMIN_EMAIL and BATON_ADMIN_PASSWORD to that admin, or drop the demo database.');
  } else if (!process.env.DATABASE_URL) {
    console.error(`\nThe demo uses ${DEFAULT_DATABASE_URL} unless DATABASE_URL is set: is another demo or server already using that file?`);
  }
  void stop(1);
});
