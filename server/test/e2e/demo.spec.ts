import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page, RunDto } from '@baton/protocol';
import { DemoApi } from '../../../executor-sdk/dist/examples/demo-seed.js';
import { startChild, type ChildHandle } from '../support/child-process.js';
import { CONFIG_VARIABLES } from '../../src/config/config-variables.js';
import { waitFor } from '../support/poll.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// `npm run demo` as a user runs it (the launcher script itself), on a test database and a free port.
const DEMO_SCRIPT = fileURLToPath(new URL('../../../tools/demo.mjs', import.meta.url));
const READY_LINE = /^BATON_DEMO_READY url=(\S+) server_pid=(\d+) executor_pid=(\d+)\s*$/;
const admin = { email: 'admin@demo.test', password: 'demo-e2e-password-1' };

let db: TestDatabase | undefined;
let demo: ChildHandle | undefined;
const childPids: number[] = [];

afterAll(async () => {
  await demo?.kill('SIGKILL');
  // The launcher starts its children in their own process group; make sure none outlives a failed test.
  for (const pid of childPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await db?.drop();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function demoEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const spec of Object.values(CONFIG_VARIABLES)) delete env[spec.name];
  return { ...env, DATABASE_URL: databaseUrl, PORT: '0', BATON_ADMIN_EMAIL: admin.email, BATON_ADMIN_PASSWORD: admin.password };
}

describe('npm run demo', () => {
  it('starts the server and the demo executor, seeds jobs that run within seconds, and stops both on Ctrl-C', { timeout: 60_000 }, async () => {
    db = await createTestDatabase('demo', 'sqlite');
    demo = await startChild({ name: 'npm run demo', script: DEMO_SCRIPT, env: demoEnv(db.url), ready: READY_LINE, startTimeoutMs: 40_000 });
    const [, url, serverPid, executorPid] = demo.ready;
    childPids.push(Number(serverPid), Number(executorPid));

    const output = demo.output();
    expect(output).toContain(`Console    ${url!.replace('127.0.0.1', 'localhost')}/`);
    expect(output).toMatch(/Sign in {4}(admin@demo\.test \/ demo-e2e-password-1|not needed: this server build has no user authentication yet)/);
    expect(output).toContain('created demo:report, demo:hello-every-10s, demo:progress, demo:flaky');

    const api = new DemoApi(url!);
    await api.signIn(admin);
    const succeeded = await waitFor(
      async () => {
        const page = (await (await api.request('GET', '/runs?job=demo:hello-every-10s&status=SUCCEEDED')).json()) as Page<RunDto>;
        return page.items.length > 0 ? page.items : null;
      },
      { timeoutMs: 25_000, intervalMs: 500, message: 'a succeeded run of demo:hello-every-10s' },
    );
    expect(succeeded[0]).toMatchObject({ triggerType: 'CRON', result: { greeting: 'Hello, Baton!' } });
    expect(await (await fetch(`${url}/`)).text()).toContain('<title>Baton</title>');

    expect(await demo.kill('SIGINT')).toBe(0);
    expect(demo.output()).toContain('SIGINT: stopping the demo executor, then the server');
    expect(demo.output()).toContain('[executor] DEMO_EXECUTOR_CLOSED');
    expect(isAlive(Number(serverPid))).toBe(false);
    expect(isAlive(Number(executorPid))).toBe(false);
  });
});
