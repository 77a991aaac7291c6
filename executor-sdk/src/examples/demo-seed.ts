/**
 * Seeds a Baton server with the demo: the `demo` app (returning its executor token) and a few
 * sample jobs for the demo executor's handlers. Used by `npm run demo` and by the compose demo's
 * bootstrap (demo-bootstrap.ts). Talks plain REST with fetch, so it needs nothing from the server.
 */
import type { AppWithTokenDto, CreateJobRequest, SessionDto } from '@baton/protocol';

export interface DemoAdmin {
  email: string;
  password: string;
}

export interface SeedDemoOptions {
  /** Server origin, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** App to create (default `demo`). */
  app?: string;
  /** The admin to sign in as (the server's BATON_ADMIN_EMAIL / BATON_ADMIN_PASSWORD). */
  admin?: DemoAdmin;
  /** A token kept from an earlier seeding; used when the app already exists instead of rotating its token. */
  knownToken?: string;
}

export interface SeedDemoResult {
  app: string;
  token: string;
  /** `created`: new app; `rotated`: existing app, new token; `known`: existing app, `knownToken` kept. */
  tokenSource: 'created' | 'rotated' | 'known';
  /** Job keys created now; jobs that already existed are left as they are (an operator may have edited them). */
  createdJobs: string[];
  existingJobs: string[];
}

/** The sample jobs, children first (a parent may only name existing jobs). */
export function demoJobs(app: string): CreateJobRequest[] {
  return [
    {
      app,
      name: 'report',
      handler: 'demo.echo',
      description: 'Child job: started whenever a `progress` run succeeds; its context carries the parent run and its result.',
      schedule: { type: 'NONE', expression: null },
    },
    {
      app,
      name: 'hello-every-10s',
      handler: 'demo.hello',
      description: 'A cron job (Quartz-style, with seconds) firing every 10 seconds.',
      schedule: { type: 'CRON', expression: '*/10 * * * * ?', timezone: 'UTC' },
      params: { name: 'Baton' },
    },
    {
      app,
      name: 'progress',
      handler: 'demo.slow',
      description: 'A fixed-rate job every 30 seconds: 8 seconds of work with progress and log lines, then its child `report`.',
      schedule: { type: 'FIXED_RATE', expression: 'PT30S' },
      params: { ms: 8000, steps: 8 },
      timeoutMs: 60_000,
      children: [{ job: `${app}:report`, on: 'SUCCESS' }],
    },
    {
      app,
      name: 'flaky',
      handler: 'demo.flaky',
      description: 'Fails about half its attempts, to show retries with backoff (3 attempts; a run failing all three is a dead letter).',
      schedule: { type: 'FIXED_RATE', expression: 'PT20S' },
      params: { failureRate: 0.5 },
      retry: { maxAttempts: 3, backoff: 'FIXED', delayMs: 3000 },
    },
  ];
}

export async function seedDemo(options: SeedDemoOptions): Promise<SeedDemoResult> {
  const app = options.app ?? 'demo';
  const api = new DemoApi(options.url);
  await api.signIn(options.admin);

  let token: string;
  let tokenSource: SeedDemoResult['tokenSource'];
  const existing = await api.request('GET', `/apps/${encodeURIComponent(app)}`);
  if (existing.status === 404) {
    token = (await api.expect<AppWithTokenDto>('POST', '/apps', { name: app, description: 'Sample jobs of the Baton demo' }, [201])).token;
    tokenSource = 'created';
  } else if (existing.ok && options.knownToken) {
    token = options.knownToken;
    tokenSource = 'known';
  } else if (existing.ok) {
    // The token is shown only once, at creation; the demo did not keep it, so it takes a new one.
    token = (await api.expect<AppWithTokenDto>('POST', `/apps/${encodeURIComponent(app)}/rotate-token`, undefined, [200, 201])).token;
    tokenSource = 'rotated';
  } else {
    throw await api.failure('GET', `/apps/${app}`, existing);
  }

  const createdJobs: string[] = [];
  const existingJobs: string[] = [];
  for (const job of demoJobs(app)) {
    const res = await api.request('POST', '/jobs', job);
    const key = `${app}:${job.name}`;
    if (res.status === 201) createdJobs.push(key);
    else if (res.status === 409 && (await errorCode(res)) === 'JOB_NAME_TAKEN') existingJobs.push(key);
    else throw await api.failure('POST', '/jobs', res);
  }
  return { app, token, tokenSource, createdJobs, existingJobs };
}

/** A minimal REST session: the session cookie and the CSRF header once signed in. */
export class DemoApi {
  private cookie: string | undefined;
  private csrfToken: string | undefined;
  private readonly base: string;

  constructor(url: string) {
    this.base = `${url.replace(/\/+$/, '')}/api/v1`;
  }

  /** Signs in as the admin; every later request carries the session cookie and CSRF header. */
  async signIn(admin: DemoAdmin | undefined): Promise<void> {
    if (!admin) throw new Error('The server requires sign-in: set BATON_ADMIN_EMAIL and BATON_ADMIN_PASSWORD to the admin\'s credentials.');
    const res = await this.request('POST', '/auth/login', { email: admin.email, password: admin.password });
    if (!res.ok) throw await this.failure('POST', '/auth/login', res, `could not sign in as ${admin.email}`);
    const session = (await res.json()) as SessionDto;
    this.csrfToken = session.csrfToken;
    this.cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!.trim())
      .join('; ');
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    return fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  }

  async expect<T>(method: string, path: string, body: unknown, statuses: number[]): Promise<T> {
    const res = await this.request(method, path, body);
    if (!statuses.includes(res.status)) throw await this.failure(method, path, res);
    return (await res.json()) as T;
  }

  async failure(method: string, path: string, res: Response, what = 'request failed'): Promise<Error> {
    const text = await res.text().catch(() => '');
    return new Error(`${method} ${this.base}${path}: ${what} (${res.status}) ${text.slice(0, 500)}`);
  }
}

async function errorCode(res: Response): Promise<string | undefined> {
  const body = (await res.json().catch(() => null)) as { code?: string } | null;
  return body?.code;
}
