import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '@baton/protocol';
import { createServerApp } from '../../src/app.factory.js';
import type { Clock } from '../../src/common/clock.js';
import { AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/**
 * A real server for the identity tests, like startTestServer but with its log captured and
 * every request and response body kept, so tests can look for leaked secrets in both.
 */

/** Everything this process writes to stdout/stderr from the first startIdentityServer on. */
const captured: string[] = [];
let capturing = false;

function captureOutput(): void {
  if (capturing) return;
  capturing = true;
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      // Keep the test output readable: the server's own log lines are only captured.
      const text = String(chunk);
      if (/\[Nest\]|\bLOG\b|\bWARN\b|^\{"level":/.test(text)) return true;
      return original(chunk, ...rest);
    }) as typeof stream.write;
  }
}

/** The captured log, one entry per line. */
export function capturedLogLines(): string[] {
  return captured.join('').split('\n').filter((l) => l.trim() !== '');
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface IdentityServer {
  app: NestExpressApplication;
  url: string;
  db: TestDatabase;
  /** Every response body (and request body) seen, for secret scans. */
  transcript: string[];
  request<T = any>(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<HttpResult<T>>;
  /** A cookie-keeping client, as a browser would be. */
  browser(ip?: string): Browser;
  close(): Promise<void>;
}

export async function startIdentityServer(opts: { label?: string; env?: Record<string, string>; clock?: Clock; db?: TestDatabase; transcript?: string[] } = {}): Promise<IdentityServer> {
  captureOutput();
  const db = opts.db ?? (await createTestDatabase(opts.label ?? 'ident'));
  const ownsDb = opts.db === undefined;
  const config = AppConfig.fromEnv({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', NODE_ID: 'test-node', DATABASE_POOL_SIZE: '4', TRUST_PROXY: 'loopback', SCHEDULER_ENABLED: 'false', ...opts.env });
  const app = await createServerApp({ config, clock: opts.clock });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  config.setListeningPort(address.port);
  const url = `http://127.0.0.1:${address.port}`;
  const transcript = opts.transcript ?? [];
  const server: IdentityServer = {
    app,
    url,
    db,
    transcript,
    async request(method, path, { body, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const res = await fetch(`${url}/api/v1${path}`, init);
      const text = await res.text();
      transcript.push(text);
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed as any, text, headers: res.headers };
    },
    browser(ip = '127.0.0.1') {
      return new Browser(server, ip);
    },
    async close() {
      await app.close();
      if (ownsDb) await db.drop();
    },
  };
  return server;
}

/** Keeps cookies like a browser and echoes the CSRF cookie in X-CSRF-Token (unless told not to). */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie header received. */
  readonly setCookies: string[] = [];

  constructor(
    private readonly server: IdentityServer,
    private readonly ip: string,
  ) {}

  get sessionToken(): string | undefined {
    return this.cookies.get(SESSION_COOKIE);
  }

  get csrfToken(): string | undefined {
    return this.cookies.get(CSRF_COOKIE);
  }

  async request<T = any>(method: string, path: string, body?: unknown, opts: { csrf?: string | false } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = opts.csrf === undefined ? this.csrfToken : opts.csrf;
    if (csrf) headers[CSRF_HEADER] = csrf;
    const res = await this.server.request<T>(method, path, { body, headers });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = decodeURIComponent(pair!.slice(eq + 1));
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}, opts: { csrf?: string | false } = {}) {
    return this.request<T>('POST', path, body, opts);
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  async login(email: string, password: string): Promise<HttpResult> {
    const res = await this.post('/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    return res;
  }
}

/** Calls with `Authorization: Bearer <key>`. */
export function bearer(server: IdentityServer, key: string) {
  return (method: string, path: string, body?: unknown) => server.request(method, path, { body, headers: { authorization: `Bearer ${key}` } });
}
