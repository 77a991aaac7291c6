import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Authenticator } from '../../src/modules/auth/authenticator.js';
import { AuthJanitor } from '../../src/modules/auth/auth-janitor.js';
import { SYSTEM_CALLER, UsersService } from '../../src/modules/auth/users.service.js';
import { FakeClock } from '../support/fake-clock.js';
import { sql } from '../support/sql.js';
import { startIdentityServer, type Browser, type IdentityServer } from '../support/identity-server.js';

const ADMIN = { email: 'admin@example.com', password: 'admin passphrase one' };
const clock = new FakeClock('2026-11-21T10:00:00Z');
let server: IdentityServer;

beforeAll(async () => {
  server = await startIdentityServer({ label: 'sessions', clock, env: { BATON_ADMIN_EMAIL: ADMIN.email, BATON_ADMIN_PASSWORD: ADMIN.password } });
});
afterAll(async () => {
  await server?.close();
});

function query(statement: string, params: unknown[] = []): Promise<any[]> {
  return sql(server.db.url, statement, params);
}

/** A fresh client address per test, so per-address limits do not cross tests. */
function newIp(): string {
  return `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]! % 250 + 1}`;
}

async function newUser(role: 'admin' | 'operator' | 'viewer' = 'viewer') {
  const email = `u-${randomBytes(4).toString('hex')}@example.com`;
  const password = `pass ${randomBytes(8).toString('hex')}`;
  const user = await server.app.get(UsersService).createUser({ email, password, role }, SYSTEM_CALLER);
  return { ...user, password };
}

async function signedIn(user: { email: string; password: string }, ip = newIp()): Promise<Browser> {
  const b = server.browser(ip);
  await b.login(user.email, user.password);
  return b;
}

describe('login and cookies', () => {
  it('sets an httpOnly SameSite=Lax session cookie and a readable CSRF cookie, both with Max-Age = session TTL', async () => {
    const b = server.browser(newIp());
    const res = await b.login(ADMIN.email, ADMIN.password);
    expect(res.body.user).toMatchObject({ email: ADMIN.email, role: 'admin' });
    expect(new Date(res.body.expiresAt).getTime()).toBe(clock.now().getTime() + 12 * 3_600_000);
    const session = b.setCookies.find((c) => c.startsWith('baton_session='))!;
    const csrf = b.setCookies.find((c) => c.startsWith('baton_csrf='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Path=\//);
    expect(session).toMatch(/Max-Age=43200/);
    expect(session).not.toMatch(/Secure/);
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toMatch(/SameSite=Lax/);
    expect(res.body.csrfToken).toBe(b.csrfToken);
    // Only hashes are stored.
    const rows = await query('SELECT id, csrf_token_hash FROM sessions');
    expect(rows.some((r) => r.id === b.sessionToken || r.csrf_token_hash === b.csrfToken)).toBe(false);
  });

  it('answers a wrong password and an unknown e-mail alike with 401 LOGIN_FAILED, and audits the failure without the password', async () => {
    const ip = newIp();
    const wrong = await server.browser(ip).post('/auth/login', { email: ADMIN.email, password: 'not the password!' });
    const unknown = await server.browser(ip).post('/auth/login', { email: 'nobody@example.com', password: 'not the password!' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.code).toBe('LOGIN_FAILED');
    const rows = await query("SELECT details FROM audit_log WHERE action = 'auth.login_failed'");
    expect(rows.map((r) => JSON.parse(r.details).email)).toEqual(expect.arrayContaining([ADMIN.email, 'nobody@example.com']));
    expect(rows.map((r) => r.details).join()).not.toContain('not the password!');
    // A successful login clears the count the failure left.
    await signedIn(ADMIN);
  });

  it('GET /auth/state never fails for a bad cookie', async () => {
    const res = await server.request('GET', '/auth/state', { headers: { cookie: 'baton_session=garbage; baton_csrf=x' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ setupRequired: false, user: null });
  });
});

describe('CSRF', () => {
  it('requires X-CSRF-Token matching the session on cookie-authenticated unsafe requests', async () => {
    const user = await newUser('operator');
    const b = await signedIn(user);
    const none = await b.post('/api-keys', { name: 'k', scopes: ['read'], apps: ['x'] }, { csrf: false });
    expect(none.status).toBe(403);
    expect(none.body.code).toBe('CSRF_TOKEN_INVALID');
    const wrong = await b.post('/api-keys', { name: 'k', scopes: ['read'], apps: ['x'] }, { csrf: 'A'.repeat(43) });
    expect(wrong.body.code).toBe('CSRF_TOKEN_INVALID');
    const right = await b.post('/auth/password', { currentPassword: user.password, newPassword: `${user.password} new` });
    expect(right.status).toBe(204);
    // Safe methods need no token.
    expect((await b.request('GET', '/api-keys', undefined, { csrf: false })).status).toBe(200);
  });

  it('is not asked of API keys', async () => {
    const auth = server.app.get(Authenticator);
    const admin = await signedIn(ADMIN);
    const created = await admin.post('/api-keys', { name: 'svc', scopes: ['trigger'], apps: ['*'] });
    expect(created.status).toBe(201);
    const principal = await auth.authenticate({ method: 'POST', headers: { authorization: `Bearer ${created.body.key}` }, ip: '10.0.0.1' });
    expect(principal).toMatchObject({ kind: 'api_key', id: created.body.id, allApps: true });
    expect([...(principal as any).scopes]).toEqual(['trigger']);
  });

  it('treats a malformed Authorization header as unauthenticated, and no credentials as anonymous', async () => {
    const auth = server.app.get(Authenticator);
    await expect(auth.authenticate({ method: 'GET', headers: { authorization: 'Basic abc' }, ip: '' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(auth.authenticate({ method: 'GET', headers: { authorization: 'Bearer bk_short' }, ip: '' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(auth.authenticate({ method: 'GET', headers: {}, ip: '' })).resolves.toBeNull();
    const res = await server.request('GET', '/users', { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
  });
});

describe('session end', () => {
  it('logout revokes the session and clears both cookies', async () => {
    const b = await signedIn(ADMIN);
    const stolen = b.sessionToken!;
    const csrf = b.csrfToken!;
    const out = await b.post('/auth/logout');
    expect(out.status).toBe(204);
    expect(b.setCookies.filter((c) => /^baton_(session|csrf)=;/.test(c))).toHaveLength(2);
    expect(b.cookies.size).toBe(0);
    const replay = await server.request('GET', '/users', { headers: { cookie: `baton_session=${stolen}`, 'x-csrf-token': csrf } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('UNAUTHENTICATED');
  });

  it('ends after SESSION_IDLE_MINUTES without use, and is kept alive by use', async () => {
    const b = await signedIn(ADMIN);
    clock.advance(100 * 60_000);
    expect((await b.get('/users')).status).toBe(200);
    clock.advance(100 * 60_000);
    expect((await b.get('/users')).status).toBe(200);
    clock.advance(121 * 60_000);
    const idle = await b.get('/users');
    expect(idle.status).toBe(401);
    expect(idle.body.message).toMatch(/idle|ended/);
  });

  it('ends SESSION_TTL_HOURS after sign-in however active', async () => {
    const b = await signedIn(ADMIN);
    for (let i = 0; i < 11; i++) {
      clock.advance(60 * 60_000);
      expect((await b.get('/users')).status).toBe(200);
    }
    clock.advance(60 * 60_000);
    expect((await b.get('/users')).status).toBe(401);
  });

  it('a password change ends the user\'s other sessions, keeps this one, and the old password stops working', async () => {
    const user = await newUser('viewer');
    const here = await signedIn(user);
    const elsewhere = await signedIn(user);
    const weak = await here.post('/auth/password', { currentPassword: user.password, newPassword: 'short' });
    expect(weak.body.code).toBe('PASSWORD_TOO_WEAK');
    const wrong = await here.post('/auth/password', { currentPassword: 'wrong wrong wrong', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    const ok = await here.post('/auth/password', { currentPassword: user.password, newPassword: 'a brand new passphrase' });
    expect(ok.status).toBe(204);
    expect((await here.get('/auth/state')).body.user?.email).toBe(user.email);
    expect((await elsewhere.get('/auth/state')).body.user).toBeNull();
    expect((await server.browser(newIp()).post('/auth/login', { email: user.email, password: user.password })).status).toBe(401);
    await signedIn({ email: user.email, password: 'a brand new passphrase' });
    // Guessing the current password through a session locks the account like failed sign-ins.
    for (let i = 0; i < 5; i++) expect((await here.post('/auth/password', { currentPassword: `guess number ${i}`, newPassword: 'another new passphrase' })).status).toBe(400);
    const locked = await here.post('/auth/password', { currentPassword: 'a brand new passphrase', newPassword: 'another new passphrase' });
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    clock.advance(15 * 60_000);
    expect((await here.post('/auth/password', { currentPassword: 'a brand new passphrase', newPassword: 'another new passphrase' })).status).toBe(204);
  });

  it('an admin reset and disabling a user end their sessions', async () => {
    const admin = await signedIn(ADMIN);
    const user = await newUser('viewer');
    const victim = await signedIn(user);
    expect((await admin.post(`/users/${user.id}/password`, { password: 'reset by the admin' })).status).toBe(204);
    expect((await victim.get('/auth/state')).body.user).toBeNull();
    const again = await signedIn({ email: user.email, password: 'reset by the admin' });
    const disabled = await admin.patch(`/users/${user.id}`, { disabled: true });
    expect(disabled.body.disabled).toBe(true);
    expect((await again.get('/auth/state')).body.user).toBeNull();
    expect((await server.browser(newIp()).post('/auth/login', { email: user.email, password: 'reset by the admin' })).body.code).toBe('LOGIN_FAILED');
  });
});

describe('throttling', () => {
  it('locks an account after LOGIN_MAX_FAILURES failures, with Retry-After, and unlocks after LOGIN_LOCK_MINUTES', async () => {
    const user = await newUser('viewer');
    for (let i = 0; i < 5; i++) {
      const res = await server.browser(newIp()).post('/auth/login', { email: user.email, password: 'wrong password!!' });
      expect(res.status).toBe(401);
    }
    const locked = await server.browser(newIp()).post('/auth/login', { email: user.email, password: user.password });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBe(15 * 60);
    expect((await server.app.get(UsersService).get(user.id, SYSTEM_CALLER)).lockedUntil).not.toBeNull();
    clock.advance(14 * 60_000);
    const still = await server.browser(newIp()).post('/auth/login', { email: user.email, password: user.password });
    expect(still.status).toBe(429);
    expect(Number(still.headers.get('retry-after'))).toBe(60);
    clock.advance(60_000);
    await signedIn(user);
  });

  it('refuses an address after LOGIN_MAX_FAILURES_PER_IP failures within 15 minutes, other addresses not', async () => {
    const ip = newIp();
    for (let i = 0; i < 20; i++) {
      const res = await server.browser(ip).post('/auth/login', { email: `nobody${i}@example.com`, password: 'whatever it is' });
      expect(res.status).toBe(401);
    }
    const limited = await server.browser(ip).post('/auth/login', { email: ADMIN.email, password: ADMIN.password });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await signedIn(ADMIN, newIp());
    clock.advance(15 * 60_000 + 1000);
    await signedIn(ADMIN, ip);
  });

  it('the janitor prunes old login attempts and dead sessions', async () => {
    clock.advance(8 * 86_400_000);
    const before = Number((await query('SELECT COUNT(*) AS n FROM login_attempts'))[0].n);
    expect(before).toBeGreaterThan(0);
    const result = await server.app.get(AuthJanitor).runOnce();
    expect(result.attempts).toBe(Number(before));
    expect(result.sessions).toBeGreaterThan(0);
    expect(Number((await query('SELECT COUNT(*) AS n FROM sessions'))[0].n)).toBe(0);
  });
});
