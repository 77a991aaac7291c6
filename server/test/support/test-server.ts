import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServerApp } from '../../src/app.factory.js';
import type { Clock } from '../../src/common/clock.js';
import { AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A minimal JSON client for the server under test. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
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
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export interface TestServer {
  app: NestExpressApplication;
  url: string;
  api: ApiClient;
  db: TestDatabase;
  close(): Promise<void>;
}

/** A real server on port 0 with its own fresh database. Close it in afterAll. */
export async function startTestServer(opts: { label?: string; env?: Record<string, string>; clock?: Clock; db?: TestDatabase } = {}): Promise<TestServer> {
  const db = opts.db ?? (await createTestDatabase(opts.label ?? 'srv'));
  const ownsDb = opts.db === undefined;
  const config = AppConfig.fromEnv({ DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', NODE_ID: 'test-node', DATABASE_POOL_SIZE: '4', ...opts.env });
  const app = await createServerApp({ config, clock: opts.clock, quiet: true });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  config.setListeningPort(address.port);
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    api: new ApiClient(`${url}/api/v1`),
    db,
    async close() {
      await app.close();
      if (ownsDb) await db.drop();
    },
  };
}
