import { randomBytes } from 'node:crypto';

/**
 * All of the bench's HTTP access to Baton goes through here, so authentication lives in one place.
 *
 * Servers are always started with a random first admin (`BATON_ADMIN_EMAIL`/`_PASSWORD`, see
 * {@link adminEnv}). After a node starts, {@link BenchApi.connect} signs in as that admin, creates
 * an API key with every scope on every app, and sends
 * `Authorization: Bearer <key>` on every request from then on (`/metrics` included), except the
 * few that only a signed-in user may make (creating apps), which go with the admin's session.
 */
const ADMIN = { email: `bench-${randomBytes(4).toString('hex')}@bench.invalid`, password: `Bench-${randomBytes(18).toString('base64url')}` };

/** Environment that gives a server node the bench's first admin. */
export function adminEnv(): Record<string, string> {
  return { BATON_ADMIN_EMAIL: ADMIN.email, BATON_ADMIN_PASSWORD: ADMIN.password };
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: unknown, what: string) {
    super(`${what} → ${status} ${typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body).slice(0, 300)}`);
  }
}

export interface CreatedApp {
  id: string;
  name: string;
  token: string;
}

export interface TriggerRequest {
  runAt?: string;
  delay?: number;
  params?: unknown;
}

type Caller = 'key' | 'user';

export class BenchApi {
  private authorization: string | undefined;
  /** The admin's session cookie and CSRF token, for calls API keys may not make. */
  private session: { cookie: string; csrfToken: string } | undefined;

  /** `url`: the node's base URL, `http://127.0.0.1:<port>`. */
  constructor(readonly url: string) {}

  /** Signs in and creates the bench's key (see the module comment). */
  async connect(): Promise<this> {
    const login = await fetch(`${this.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const session = (await login.json()) as { csrfToken?: string };
    if (!login.ok || !session.csrfToken) throw new ApiError(login.status, session, 'POST /auth/login as the bench admin');
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const created = await fetch(`${this.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ name: `bench-${randomBytes(3).toString('hex')}`, scopes: ['trigger', 'read', 'manage'], apps: ['*'] }),
    });
    const key = (await created.json()) as { key?: string };
    if (!created.ok || !key.key) throw new ApiError(created.status, key, 'POST /api-keys');
    this.authorization = `Bearer ${key.key}`;
    this.session = { cookie, csrfToken: session.csrfToken };
    return this;
  }

  /** The same credentials against another node of the cluster. */
  forNode(url: string): BenchApi {
    const other = new BenchApi(url);
    other.authorization = this.authorization;
    other.session = this.session;
    return other;
  }

  async request<T>(method: string, path: string, body?: unknown, as: Caller = 'key'): Promise<T> {
    const headers: Record<string, string> = {};
    if (as === 'user' && this.session) {
      headers.cookie = this.session.cookie;
      headers['x-csrf-token'] = this.session.csrfToken;
    } else if (this.authorization) headers.authorization = this.authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (the metrics text) */
    }
    if (!res.ok) throw new ApiError(res.status, parsed, `${method} ${path}`);
    return parsed as T;
  }

  /** Creating an app is for signed-in users only (API keys are refused). */
  createApp(name: string): Promise<CreatedApp> {
    return this.request('POST', '/api/v1/apps', { name }, 'user');
  }

  createJob(job: Record<string, unknown>): Promise<{ id: string }> {
    return this.request('POST', '/api/v1/jobs', job);
  }

  /** Up to 1,000 runs in one call; returns their ids in order. */
  async triggerBatch(jobKey: string, requests: TriggerRequest[]): Promise<string[]> {
    const res = await this.request<{ items: Array<{ outcome: string; run?: { id: string } }> }>('POST', `/api/v1/jobs/${encodeURIComponent(jobKey)}/trigger-batch`, { requests });
    return res.items.map((item) => {
      if (item.outcome !== 'CREATED' || !item.run) throw new Error(`trigger-batch answered ${item.outcome}`);
      return item.run.id;
    });
  }

  cluster(): Promise<{ leader: { nodeId: string; epoch: string } | null }> {
    return this.request('GET', '/api/v1/cluster');
  }

  /** The Prometheus text of `/metrics`. */
  metrics(): Promise<string> {
    return this.request('GET', '/metrics');
  }
}
