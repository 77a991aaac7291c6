import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { aRun } from './support/fake-server.js';
import { Harness } from './support/harness.js';
import { waitFor } from './support/wait.js';

// The demo runs as a real process from the build output (`npm run build -w executor-sdk`, which `npm test` does first).
const demo = fileURLToPath(new URL('../dist/examples/demo-executor.js', import.meta.url));

const h = new Harness();
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await h.cleanup();
});

function spawnDemo(env: Record<string, string>) {
  const child = spawn(process.execPath, [demo], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out = { stdout: '', stderr: '', code: null as number | null, exited: false };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  child.on('exit', (code) => ((out.code = code), (out.exited = true)));
  return { child, out };
}

describe.skipIf(!existsSync(demo))('demo executor (built)', () => {
  it('prints the ready line, runs the demo handlers and exits 0 on SIGTERM', async () => {
    const server = await h.server();
    const { child, out } = spawnDemo({ BATON_SERVERS: server.url, BATON_APP: 'billing', BATON_TOKEN: 'secret', BATON_CONCURRENCY: '5' });
    await waitFor(() => /DEMO_EXECUTOR_READY instance=\S+/.test(out.stdout), 'the ready line', 10_000);
    const instance = /DEMO_EXECUTOR_READY instance=(\S+)/.exec(out.stdout)![1];
    expect(server.handshakes[0]).toMatchObject({ instanceId: instance, concurrency: 5 });
    expect(server.handshakes[0]!.handlers.sort()).toEqual(['demo.echo', 'demo.fail', 'demo.flaky', 'demo.hello', 'demo.ignoreAbort', 'demo.shard', 'demo.slow']);

    const parent = { runId: 'p', jobKey: 'billing:p', status: 'SUCCEEDED', result: 1 };
    const echo = aRun({ handler: 'demo.echo', params: { a: 1 }, attempt: 2, shard: { index: 1, total: 2 }, parent });
    const fail = aRun({ handler: 'demo.fail', params: { nonRetryable: true } });
    const slow = aRun({ handler: 'demo.slow', params: { ms: 100, steps: 2 } });
    const hello = aRun({ handler: 'demo.hello', params: { name: 'Ada' } });
    expect((await server.dispatch([echo, fail, slow, hello])).accepted).toHaveLength(4);
    await waitFor(() => server.of('run.result.v1').length === 4, 'four results', 10_000);
    expect(server.resultsFor(echo.runId)[0].result).toEqual({ params: { a: 1 }, attempt: 2, shard: { index: 1, total: 2 }, runId: echo.runId, parent });
    expect(server.resultsFor(fail.runId)[0].error.retryable).toBe(false);
    expect(server.resultsFor(slow.runId)[0]).toMatchObject({ outcome: 'SUCCEEDED', result: { steps: 2, ms: 100 } });
    expect(server.resultsFor(hello.runId)[0].result.greeting).toBe('Hello, Ada!');

    child.kill('SIGTERM');
    await waitFor(() => out.exited, 'the demo to exit', 10_000);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('DEMO_EXECUTOR_CLOSED');
  });

  it('reads the token from BATON_TOKEN_FILE, and demo.flaky fails (retryably) or succeeds by its failure rate', async () => {
    const server = await h.server();
    const dir = mkdtempSync(join(tmpdir(), 'baton-demo-token-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'secret\n');
    try {
      const { out } = spawnDemo({ BATON_SERVERS: server.url, BATON_APP: 'billing', BATON_TOKEN_FILE: tokenFile });
      await waitFor(() => /DEMO_EXECUTOR_READY/.test(out.stdout), 'the ready line', 10_000);
      const alwaysFails = aRun({ handler: 'demo.flaky', params: { failureRate: 1 }, attempt: 2 });
      const neverFails = aRun({ handler: 'demo.flaky', params: { failureRate: 0 } });
      expect((await server.dispatch([alwaysFails, neverFails])).accepted).toHaveLength(2);
      await waitFor(() => server.of('run.result.v1').length === 2, 'two results', 10_000);
      expect(server.resultsFor(alwaysFails.runId)[0]).toMatchObject({ outcome: 'FAILED', error: { message: 'flaky failure on attempt 2', retryable: true } });
      expect(server.resultsFor(neverFails.runId)[0]).toMatchObject({ outcome: 'SUCCEEDED', result: { attempt: 1 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits non-zero with the reason when the server refuses it', async () => {
    const server = await h.server();
    const { out } = spawnDemo({ BATON_SERVERS: server.url, BATON_TOKEN: 'wrong' });
    await waitFor(() => out.exited, 'the demo to exit', 10_000);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('UNAUTHORIZED');
  });
});
