import { afterAll, describe, expect, it } from 'vitest';
import { AppConfig, ConfigError } from '../../src/config/app-config.js';
import { FakeClock } from '../support/fake-clock.js';
import { sql } from '../support/sql.js';
import { capturedLogLines, startIdentityServer, type IdentityServer } from '../support/identity-server.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const PASSWORD = 'correct horse battery staple';
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

function query(db: TestDatabase, statement: string, params: unknown[] = []): Promise<any[]> {
  return sql(db.url, statement, params);
}

/** The setup link lines logged for the server at `url`. */
function setupLinks(url: string): string[] {
  return capturedLogLines().filter((l) => l.includes(`${url}/setup?token=`));
}

function tokenOf(line: string): string {
  return /\/setup\?token=([A-Za-z0-9_-]+)/.exec(line)![1]!;
}

describe('first start with a setup link', () => {
  const clock = new FakeClock('2026-11-21T10:00:00Z');
  let db: TestDatabase;
  const servers: IdentityServer[] = [];

  async function boot(): Promise<IdentityServer> {
    const server = await startIdentityServer({ db, clock });
    servers.push(server);
    cleanup.push(() => server.close());
    return server;
  }

  it('logs exactly one setup link, whose token expires after SETUP_TOKEN_TTL_MINUTES', async () => {
    db = await createTestDatabase('setup');
    cleanup.push(() => db.drop());
    const server = await boot();
    const links = setupLinks(server.url);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/within 60 minutes/);
    const token = tokenOf(links[0]!);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
    const stored = await query(db, 'SELECT token_hash FROM setup_tokens');
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toContain(token);

    const state = await server.request('GET', '/auth/state');
    expect(state.body).toEqual({ setupRequired: true, user: null });

    clock.advance(60 * 60_000 + 1);
    const late = await server.request('POST', '/auth/setup', { body: { token, email: 'admin@example.com', password: PASSWORD } });
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('SETUP_TOKEN_INVALID');
    expect(await query(db, 'SELECT id FROM users')).toHaveLength(0);
  });

  it('a restart logs a new link; the setup refuses bad tokens and weak passwords, then creates one admin and signs in', async () => {
    await servers[0]!.close();
    cleanup.pop();
    const server = await boot();
    const links = setupLinks(server.url);
    expect(links).toHaveLength(1);
    const token = tokenOf(links[0]!);

    const bad = await server.request('POST', '/auth/setup', { body: { token: 'nope', email: 'admin@example.com', password: PASSWORD } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('SETUP_TOKEN_INVALID');
    const short = await server.request('POST', '/auth/setup', { body: { token, email: 'admin@example.com', password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('PASSWORD_TOO_WEAK');
    expect(short.body.message).toMatch(/at least 12 characters/);
    const same = await server.request('POST', '/auth/setup', { body: { token, email: 'longaddress@example.com', password: 'longaddress@example.com' } });
    expect(same.body.code).toBe('PASSWORD_TOO_WEAK');

    // Two racing requests with the same token: one admin, one refusal.
    const browsers = [server.browser(), server.browser()];
    const results = await Promise.all(browsers.map((b, i) => b.post('/auth/setup', { token, email: `admin${i}@example.com`, password: PASSWORD, displayName: 'Admin' })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(201);
    expect([400, 409]).toContain(statuses[1]);
    const users = await query(db, 'SELECT email, role FROM users');
    expect(users).toHaveLength(1);
    expect(users[0].role).toBe('admin');
    const winner = browsers[results.findIndex((r) => r.status === 201)]!;
    const won = results.find((r) => r.status === 201)!;
    expect(won.body.user).toMatchObject({ email: users[0].email, role: 'admin' });
    expect(won.body.csrfToken).toBe(winner.csrfToken);
    expect(winner.sessionToken).toBeTruthy();

    const again = await server.request('POST', '/auth/setup', { body: { token, email: 'late@example.com', password: PASSWORD } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SETUP_NOT_AVAILABLE');
    const tokenRow = await query(db, 'SELECT used_at FROM setup_tokens WHERE used_at IS NOT NULL');
    expect(tokenRow).toHaveLength(1);

    // The token's only appearance is its one log line.
    expect(capturedLogLines().filter((l) => l.includes(token))).toHaveLength(1);
    expect(server.transcript.filter((b) => b.includes(token))).toEqual([]);

    const state = await winner.get('/auth/state');
    expect(state.body.setupRequired).toBe(false);
    expect(state.body.user.email).toBe(users[0].email);
    const audit = await winner.get('/audit?action=auth.setup');
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
  });

  it('logs no setup link once a user exists', async () => {
    const server = await boot();
    expect(setupLinks(server.url)).toHaveLength(0);
  });
});

describe('first start from the environment', () => {
  it('two nodes booting together on an empty database create exactly one admin, and a restart none', async () => {
    const db = await createTestDatabase('envadmin');
    cleanup.push(() => db.drop());
    const env = { BATON_ADMIN_EMAIL: 'Root@Example.com', BATON_ADMIN_PASSWORD: PASSWORD };
    const [a, b] = await Promise.all([startIdentityServer({ db, env }), startIdentityServer({ db, env })]);
    cleanup.push(() => a.close(), () => b.close());
    expect(await query(db, 'SELECT email, role FROM users')).toEqual([{ email: 'root@example.com', role: 'admin' }]);
    expect(setupLinks(a.url)).toHaveLength(0);
    expect(setupLinks(b.url)).toHaveLength(0);
    expect(capturedLogLines().join('\n')).not.toContain(PASSWORD);

    const c = await startIdentityServer({ db, env: { ...env, BATON_ADMIN_EMAIL: 'other@example.com' } });
    cleanup.push(() => c.close());
    expect(await query(db, 'SELECT email FROM users')).toHaveLength(1);
    const signedIn = await c.browser().login('root@example.com', PASSWORD);
    expect(signedIn.body.user.role).toBe('admin');
    expect(Number((await query(db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.setup'"))[0].n)).toBe(1);
  });

  it('refuses a weak or half-set bootstrap admin at config time', () => {
    const base = { DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' };
    expect(() => AppConfig.fromEnv({ ...base, BATON_ADMIN_EMAIL: 'a@b.c', BATON_ADMIN_PASSWORD: 'short' })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv({ ...base, BATON_ADMIN_EMAIL: 'a@b.c' })).toThrow(/set together/);
    expect(() => AppConfig.fromEnv({ ...base, BATON_ADMIN_EMAIL: 'averylongaddress@b.c', BATON_ADMIN_PASSWORD: 'averylongaddress@b.c' })).toThrow(/differ/);
    expect(AppConfig.fromEnv({ ...base, BATON_ADMIN_EMAIL: 'a@b.c', BATON_ADMIN_PASSWORD: PASSWORD }).bootstrapAdmin).toEqual({ email: 'a@b.c', password: PASSWORD });
  });
});
