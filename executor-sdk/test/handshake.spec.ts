import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EXECUTOR_PROTOCOL_VERSION } from '@baton/protocol';
import { createExecutor, ExecutorRefusedError, SDK_VERSION } from '../src/index.js';
import { Harness } from './support/harness.js';
import { staysTrue, waitFor } from './support/wait.js';

const h = new Harness();
afterEach(() => h.cleanup());

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('handshake', () => {
  it('sends the handshake fields and resolves start() on hello', async () => {
    const server = await h.server();
    const executor = h.executor(server, { concurrency: 3, labels: { zone: 'eu-1' }, instanceId: 'billing-7', hostname: 'box-1' });
    executor.handle('report.build', () => 1).handle('report.mail', () => 2);
    await executor.start();

    expect(server.handshakes).toHaveLength(1);
    expect(server.handshakes[0]).toEqual({
      protocol: EXECUTOR_PROTOCOL_VERSION,
      app: 'billing',
      token: 'secret',
      instanceId: 'billing-7',
      hostname: 'box-1',
      pid: process.pid,
      sdkVersion: SDK_VERSION,
      handlers: ['report.build', 'report.mail'],
      concurrency: 3,
      labels: { zone: 'eu-1' },
    });
    expect(executor.stats().connections).toEqual([{ nodeId: server.nodeId, url: server.url, connected: true }]);
  });

  it('reports the package version as sdkVersion', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });

  it('defaults the instance id to a uuid and sends a heartbeat on connect', async () => {
    const server = await h.server();
    const executor = h.executor(server);
    executor.handle('x', () => null);
    await executor.start();
    expect(executor.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => server.of('heartbeat.v1').length > 0, 'a first heartbeat');
    expect(server.of('heartbeat.v1')[0]).toEqual({ inFlight: [], pendingResults: [], draining: false });
  });

  it('rejects start() at once with the refusal when the token is wrong, and does not retry', async () => {
    const server = await h.server({ token: 'the-real-one' });
    const executor = h.executor(server, { token: 'wrong', startTimeoutMs: 20_000 });
    const started = Date.now();
    const error = await executor.start().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutorRefusedError);
    expect((error as ExecutorRefusedError).code).toBe('UNAUTHORIZED');
    expect((error as Error).message).toMatch(/refused the executor: UNAUTHORIZED/);
    expect(Date.now() - started).toBeLessThan(5_000);
    // reconnectDelayMs is 50 ms: a retry loop would show up well within this window.
    await staysTrue(() => server.authAttempts === 1, 'a single handshake attempt', 400);
    expect(executor.stats().connections).toEqual([]);
  });

  it('reports a refusal after start() as an error event and stops retrying that socket', async () => {
    const server = await h.server();
    const executor = h.executor(server);
    executor.handle('x', () => null);
    const errors: Error[] = [];
    executor.on('error', (e) => errors.push(e));
    await executor.start();
    server.token = 'rotated';
    server.disconnectAll();
    await waitFor(() => errors.length === 1, 'the error event');
    expect(errors[0]).toBeInstanceOf(ExecutorRefusedError);
    const attempts = server.authAttempts;
    await staysTrue(() => server.authAttempts === attempts, 'no further attempts', 300);
  });

  it('rejects start() after startTimeoutMs when nothing answers', async () => {
    const executor = h.executor([`http://127.0.0.1:${await deadPort()}`], { startTimeoutMs: 300 });
    executor.handle('x', () => null);
    await expect(executor.start()).rejects.toThrow(/No Baton server answered within 300 ms/);
    expect(executor.stats().connections).toEqual([]);
  });

  it('connects to a server that comes up while start() waits', async () => {
    const port = await deadPort();
    const executor = h.executor([`http://127.0.0.1:${port}`]);
    executor.handle('x', () => null);
    const starting = executor.start();
    const server = await h.server({ port });
    await starting;
    expect(server.handshakes).toHaveLength(1);
  });

  it('refuses start() after close()', async () => {
    const server = await h.server();
    const executor = h.executor(server);
    await executor.close();
    await expect(executor.start()).rejects.toThrow(/closed/);
  });

  it('sends handlers registered after start() on the next handshake', async () => {
    const server = await h.server();
    const executor = h.executor(server);
    executor.handle('first', () => null);
    await executor.start();
    executor.handle('second', () => null);
    server.disconnectAll();
    await waitFor(() => server.handshakes.length === 2, 'a reconnect');
    expect(server.handshakes[1]!.handlers).toEqual(['first', 'second']);
  });
});

describe('options and handler names', () => {
  const base = { servers: ['http://127.0.0.1:1'], app: 'a', token: 't', logger: null };

  it('validates handler names and refuses duplicates', () => {
    const executor = createExecutor(base);
    expect(() => executor.handle('bad name', () => null)).toThrow(/Invalid handler name/);
    expect(() => executor.handle('-leading', () => null)).toThrow(/Invalid handler name/);
    expect(() => executor.handle('x'.repeat(129), () => null)).toThrow(/Invalid handler name/);
    executor.handle('ok.name:v1/a-b_c', () => null);
    expect(() => executor.handle('ok.name:v1/a-b_c', () => null)).toThrow(/already registered/);
  });

  it('validates the options', () => {
    expect(() => createExecutor({ ...base, servers: [] })).toThrow(/servers/);
    expect(() => createExecutor({ ...base, servers: ['ftp://x'] })).toThrow(/not an http/);
    expect(() => createExecutor({ ...base, servers: ['http://x/prefix'] })).toThrow(/path/);
    expect(() => createExecutor({ ...base, token: '' })).toThrow(/token/);
    expect(() => createExecutor({ ...base, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => createExecutor({ ...base, instanceId: 'has space' })).toThrow(/instanceId/);
  });
});
