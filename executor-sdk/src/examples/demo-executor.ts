/**
 * A runnable demo executor: `node executor-sdk/dist/examples/demo-executor.js`.
 *
 * Environment (read here by the demo; the SDK itself only takes options):
 *   BATON_SERVERS          comma-separated server URLs (default http://localhost:8080)
 *   BATON_APP              app name (default demo)
 *   BATON_TOKEN            the app's executor token (this or BATON_TOKEN_FILE is required)
 *   BATON_TOKEN_FILE       a file holding the token (used when BATON_TOKEN is unset; for containers)
 *   BATON_CONCURRENCY      runs at once (default 4)
 *   BATON_HANDLER_DELAY_MS extra delay before each handler's work (default 0)
 *   BATON_INSTANCE_ID      optional fixed instance id
 *   BATON_LOG              'info' or 'debug' to print the SDK's diagnostics to stderr
 *
 * Prints `DEMO_EXECUTOR_READY instance=<id>` once connected; exits 1 with the error if start()
 * fails; on SIGTERM/SIGINT closes gracefully and exits 0.
 */
import { readFileSync } from 'node:fs';
import { createExecutor, type ExecutorLogger } from '../index.js';
import { registerDemoHandlers } from './demo-handlers.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer (got ${JSON.stringify(raw)})`);
  return value;
}

function loggerFromEnv(): ExecutorLogger | undefined {
  const level = process.env.BATON_LOG;
  if (level !== 'info' && level !== 'debug') return undefined;
  const print = (tag: string) => (message: string) => console.error(`[baton-executor] ${tag} ${message}`);
  return { ...(level === 'debug' ? { debug: print('debug') } : {}), info: print('info'), warn: print('warn'), error: print('error') };
}

function tokenFromFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  return readFileSync(file, 'utf8').trim() || undefined;
}

async function main(): Promise<void> {
  const token = process.env.BATON_TOKEN || tokenFromFile(process.env.BATON_TOKEN_FILE);
  if (!token) throw new Error('BATON_TOKEN (or BATON_TOKEN_FILE) is required');
  const executor = createExecutor({
    servers: (process.env.BATON_SERVERS ?? 'http://localhost:8080').split(',').map((s) => s.trim()).filter(Boolean),
    app: process.env.BATON_APP || 'demo',
    token,
    concurrency: intFromEnv('BATON_CONCURRENCY', 4) || 1,
    ...(process.env.BATON_INSTANCE_ID ? { instanceId: process.env.BATON_INSTANCE_ID } : {}),
    logger: loggerFromEnv(),
    handleSignals: true,
  });
  registerDemoHandlers(executor, { delayMs: intFromEnv('BATON_HANDLER_DELAY_MS', 0) });
  // One machine-readable line per finished run, for scripts and tests watching the demo.
  executor.on('run.finished', (run) => console.log(`DEMO_RUN_FINISHED run=${run.runId} attempt=${run.attempt} outcome=${run.outcome}`));
  executor.on('closed', () => {
    console.log('DEMO_EXECUTOR_CLOSED');
    process.exit(0);
  });
  await executor.start();
  console.log(`DEMO_EXECUTOR_READY instance=${executor.instanceId}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
