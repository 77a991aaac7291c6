import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import net from 'node:net';
import mysql from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/database/database-url.js';
import { waitFor } from '../support/poll.js';
import { assertBuilt } from '../support/child-process.js';
import { SERVER_MAIN_PATH, startServerProcess, stopAll, type ServerProcess } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { proxiedDatabaseUrl, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/** A local server that writes back whatever it receives; `sockets` are its open connections. */
async function startEchoServer(): Promise<{ port: number; sockets: Set<net.Socket>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A client socket that records what it receives and whether it was closed. */
async function connectClient(port: number): Promise<{ socket: net.Socket; received: () => string; isClosed: () => boolean }> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  // Writing to a connection the peer just destroyed may raise EPIPE/ECONNRESET; the test checks `closed` instead.
  socket.on('error', () => undefined);
  let closed = false;
  socket.on('close', () => (closed = true));
  await once(socket, 'connect');
  return { socket, received: () => received, isClosed: () => closed };
}

describe('startTcpProxy', () => {
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TcpProxy;
  const clients: net.Socket[] = [];

  beforeAll(async () => {
    echo = await startEchoServer();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await proxy?.close();
  });
  afterAll(async () => {
    await echo?.close();
  });

  async function client() {
    const c = await connectClient(proxy.port);
    clients.push(c.socket);
    return c;
  }

  it('forwards bytes both ways and counts open connections', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    const c = await client();
    c.socket.write('hello through the proxy');
    await waitFor(() => c.received() === 'hello through the proxy', { message: 'echo through the proxy' });
    expect(proxy.connectionCount()).toBe(1);

    c.socket.end();
    await waitFor(c.isClosed, { message: 'the client connection closes' });
    await waitFor(() => proxy.connectionCount() === 0, { message: 'proxy forgets a closed connection' });
  });

  it('cut() closes open connections on both sides and closes new ones on accept; restore() forwards again', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    const open = await client();
    open.socket.write('ping');
    await waitFor(() => open.received() === 'ping');

    proxy.cut();
    await waitFor(open.isClosed, { message: 'cut() closes the open connection' });
    expect(proxy.connectionCount()).toBe(0);
    await waitFor(() => echo.sockets.size === 0, { message: 'the target side of the connection is closed too' });

    const refused = await client();
    refused.socket.write('anyone there?');
    await waitFor(refused.isClosed, { message: 'a connection accepted while cut is closed' });
    expect(refused.received()).toBe('');
    expect(echo.sockets.size).toBe(0);

    proxy.restore();
    const again = await client();
    again.socket.write('back');
    await waitFor(() => again.received() === 'back', { message: 'echo after restore' });
    expect(proxy.connectionCount()).toBe(1);
  });

  it('close() drops open connections and stops listening', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: echo.port });
    const open = await client();
    await proxy.close();
    await waitFor(open.isClosed, { message: 'close() closes the open connection' });
    const late = net.connect(proxy.port, '127.0.0.1');
    const [error] = await once(late, 'error');
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });
});

describe('proxiedDatabaseUrl', () => {
  it('replaces host and port and keeps credentials, database and query', () => {
    expect(proxiedDatabaseUrl('mysql://app:p%40ss@db.example.com:3307/baton?ssl=true', { port: 45678 })).toBe(
      'mysql://app:p%40ss@127.0.0.1:45678/baton?ssl=true',
    );
    expect(proxiedDatabaseUrl('mysql://root@localhost/baton_x', { port: 1234 })).toBe('mysql://root@127.0.0.1:1234/baton_x');
  });
});

describe('TCP proxy in front of MariaDB', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  const conns: mysql.Connection[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('proxy');
    const target = parseDatabaseUrl(db.url);
    proxy = await startTcpProxy({ host: target.host, port: target.port });
  });
  afterAll(async () => {
    for (const c of conns) c.destroy();
    await proxy?.close();
    await db?.drop();
  });

  async function connectThroughProxy(): Promise<mysql.Connection> {
    const conn = await mysql.createConnection({ ...parseDatabaseUrl(proxiedDatabaseUrl(db.url, proxy)), connectTimeout: 5_000 });
    // A dropped connection is also reported as an 'error' event; without a listener it would crash the worker.
    conn.on('error', () => undefined);
    conns.push(conn);
    return conn;
  }

  it('runs queries through the proxy, fails when cut, and works again after restore', async () => {
    const before = await connectThroughProxy();
    const [rows] = await before.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);

    proxy.cut();
    await expect(before.query('SELECT 1')).rejects.toThrow();
    await expect(connectThroughProxy()).rejects.toThrow();

    proxy.restore();
    const after = await connectThroughProxy();
    const [again] = await after.query('SELECT 1 AS one');
    expect(again).toEqual([{ one: 1 }]);
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(async () => (++calls >= 3 ? { ready: calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ ready: 3 });
    expect(calls).toBe(3);
  });

  it('keeps polling through errors', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        if (++calls < 3) throw new Error('not yet');
        return 'done';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('done');
  });

  it('times out with the message and the last value', async () => {
    await expect(waitFor(() => false, { timeoutMs: 100, intervalMs: 10, message: 'the flag never flips' })).rejects.toThrow(
      /^the flag never flips \(timed out after 100 ms\); last value: false$/,
    );
  });

  it('times out with the message and the last error', async () => {
    const failure = waitFor(
      () => {
        throw new Error('database is down');
      },
      { timeoutMs: 100, intervalMs: 10, message: 'queries succeed' },
    );
    await expect(failure).rejects.toThrow(/^queries succeed \(timed out after 100 ms\); last error: Error: database is down$/);
  });

  it('times out even when an attempt never settles', async () => {
    const started = Date.now();
    await expect(waitFor(() => new Promise<boolean>(() => undefined), { timeoutMs: 100, message: 'a hung call' })).rejects.toThrow(
      /^a hung call \(timed out after 100 ms\); the last attempt was still running$/,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('startServerProcess', () => {
  let db: TestDatabase | undefined;
  const procs: ServerProcess[] = [];
  afterAll(async () => {
    await stopAll(procs);
    await db?.drop();
  });

  it('starts a compiled server node on a free port, which answers /healthz, and kill() ends it', async () => {
    assertBuilt(SERVER_MAIN_PATH);
    db = await createTestDatabase('proc');
    const proc = await startServerProcess({ databaseUrl: db.url, nodeId: 'tools-node-1' });
    procs.push(proc);

    expect(proc.url).toBe(`http://127.0.0.1:${proc.port}`);
    const health = await fetch(`${proc.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await proc.api.get('/apps')).status).toBe(200);
    expect(proc.output()).toContain(`BATON_LISTENING port=${proc.port}`);
    expect(proc.output()).toContain('tools-node-1');

    expect(await proc.kill()).toBeNull(); // null: ended by a signal, not an exit code
    expect(await proc.exited).toBeNull();
    expect(() => process.kill(proc.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await expect(fetch(`${proc.url}/healthz`)).rejects.toThrow();
  });
});
