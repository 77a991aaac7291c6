import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServerApp } from '../../src/app.factory.js';
import type { Clock } from '../../src/common/clock.js';
import { AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase, type TestEngine } from './test-database.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** How an ApiClient signs its requests. */
export type ClientCredentials = { kind: 'anonymous' } | { kind: 'user'; email: string; password: string } | { kind: 'apiKey'; key: string };

/** The admin every test server is bootstrapped with (BATON_ADMIN_EMAIL / BATON_ADMIN_PASSWORD). */
export const TEST_ADMIN = { email: 'admin@baton.test', password: 'test-admin-password-1f3a9c' } as const;

export function testAdminEnv(): Record<string, string> {
  return { BATON_ADMIN_EMAIL: TEST_ADMIN.email, BATON_ADMIN_PASSWORD: TEST_ADMIN.password };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A minimal JSON client for the server under test. A user client signs in on its first request
 * (session cookie + CSRF header, as the console does) and, when `relogin` is set, signs in again
 * after a 401 — tests that move a fake clock by days outlive sessions.
 */
export class ApiClient {
  private session: { cookie: string; csrf: string } | undefined;

  constructor(
    readonly baseUrl: string,
    readonly credentials: ClientCredentials = { kind: 'anonymous' },
    private readonly relogin = false,
  ) {}

  /** The same server, other credentials. */
  as(credentials: ClientCredentials): ApiClient {
    return new ApiClient(this.baseUrl, credentials);
  }

  anonymous(): ApiClient {
    return this.as({ kind: 'anonymous' });
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const first = await this.send<T>(method, path, body, { ...(await this.authHeaders(method)), ...headers });
    if (first.status !== 401 || !this.relogin || this.credentials.kind !== 'user') return first;
    this.session = undefined;
    return this.send<T>(method, path, body, { ...(await this.authHeaders(method)), ...headers });
  }

  /** Signs in now (user credentials only) and returns the session's cookie header and CSRF token. */
  async signIn(): Promise<{ cookie: string; csrf: string }> {
    if (this.credentials.kind !== 'user') throw new Error('signIn needs user credentials');
    const res = await this.send<{ csrfToken: string }>('POST', `${this.baseUrl.replace(/\/api\/v1$/, '')}/api/v1/auth/login`, { email: this.credentials.email, password: this.credentials.password }, {});
    if (res.status !== 200) throw new Error(`Test sign-in as ${this.credentials.email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
    this.session = { cookie, csrf: res.body.csrfToken };
    return this.session;
  }

  private async authHeaders(method: string): Promise<Record<string, string>> {
    switch (this.credentials.kind) {
      case 'anonymous':
        return {};
      case 'apiKey':
        return { authorization: `Bearer ${this.credentials.key}` };
      case 'user': {
        const session = this.session ?? (await this.signIn());
        return UNSAFE.has(method.toUpperCase()) ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : { cookie: session.cookie };
      }
    }
  }

  private async send<T>(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(path.startsWith('http') ? path : `${this.baseUrl}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T = any>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

/** A client signed in as the bootstrapped test admin. */
export function adminClient(baseUrl: string): ApiClient {
  return new ApiClient(baseUrl, { kind: 'user', ...TEST_ADMIN }, true);
}

export interface TestServer {
  app: NestExpressApplication;
  url: string;
  api: ApiClient;
  db: TestDatabase;
  close(): Promise<void>;
}

/** A real server on port 0 with its own fresh database. Close it in afterAll. */
export async function startTestServer(opts: { label?: string; env?: Record<string, string>; clock?: Clock; db?: TestDatabase; engine?: TestEngine } = {}): Promise<TestServer> {
  const db = opts.db ?? (await createTestDatabase(opts.label ?? 'srv', opts.engine));
  const ownsDb = opts.db === undefined;
  const config = AppConfig.fromEnv({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', NODE_ID: 'test-node', DATABASE_POOL_SIZE: '4', ...testAdminEnv(), ...opts.env });
  const app = await createServerApp({ config, clock: opts.clock, quiet: true });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  config.setListeningPort(address.port);
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    api: adminClient(`${url}/api/v1`),
    db,
    async close() {
      await app.close();
      if (ownsDb) await db.drop();
    },
  };
}
