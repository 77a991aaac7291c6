import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ApiKeysService } from '../../src/modules/auth/api-keys.service.js';
import { Authenticator } from '../../src/modules/auth/authenticator.js';
import { FakeClock } from '../support/fake-clock.js';
import { sql } from '../support/sql.js';
import { bearer, capturedLogLines, startIdentityServer, type Browser, type IdentityServer } from '../support/identity-server.js';

const ADMIN = { email: 'admin@example.com', password: 'admin passphrase one' };
const clock = new FakeClock('2026-11-21T10:00:00Z');
let server: IdentityServer;
let admin: Browser;
/** Every password, session and CSRF token and key the tests handle, for the final leak scan. */
const secrets = { passwords: new Set<string>([ADMIN.password]), sessions: new Set<string>(), csrf: new Set<string>(), keys: new Set<string>() };
const browsers: Browser[] = [];

beforeAll(async () => {
  server = await startIdentityServer({ label: 'users', clock, env: { BATON_ADMIN_EMAIL: ADMIN.email, BATON_ADMIN_PASSWORD: ADMIN.password } });
  admin = await login(ADMIN);
});
afterAll(async () => {
  await server?.close();
});

function query(statement: string, params: unknown[] = []): Promise<any[]> {
  return sql(server.db.url, statement, params);
}

async function login(user: { email: string; password: string }): Promise<Browser> {
  const b = server.browser(`10.1.${randomBytes(1)[0]}.${(randomBytes(1)[0]! % 250) + 1}`);
  await b.login(user.email, user.password);
  browsers.push(b);
  return b;
}

async function newApp(): Promise<{ id: string; name: string }> {
  const res = await admin.post('/apps', { name: `app-${randomBytes(4).toString('hex')}` });
  expect(res.status).toBe(201);
  return res.body;
}

async function newUser(role: 'admin' | 'operator' | 'viewer', apps: string[] = []) {
  const email = `u-${randomBytes(4).toString('hex')}@example.com`;
  const password = `pass ${randomBytes(8).toString('hex')}`;
  secrets.passwords.add(password);
  const res = await admin.post('/users', { email, password, role, apps });
  expect(res.status).toBe(201);
  return { ...res.body, password };
}

async function createKey(by: Browser, body: Record<string, unknown>) {
  const res = await by.post('/api-keys', body);
  if (res.status === 201) secrets.keys.add(res.body.key);
  return res;
}

describe('users (admin)', () => {
  it('creates users with grants by app name or id, lists them with a keyset cursor, and refuses duplicates', async () => {
    const [a, b] = [await newApp(), await newApp()];
    const op = await newUser('operator', [a.name, b.id]);
    expect(op.apps.map((x: { name: string }) => x.name).sort()).toEqual([a.name, b.name].sort());
    expect(op).not.toHaveProperty('passwordHash');
    const dup = await admin.post('/users', { email: op.email.toUpperCase(), password: 'another long one', role: 'viewer' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('USER_EMAIL_TAKEN');
    const unknownApp = await admin.post('/users', { email: 'x@example.com', password: 'another long one', role: 'viewer', apps: ['no-such-app'] });
    expect(unknownApp.body.code).toBe('APP_NOT_FOUND');
    const weak = await admin.post('/users', { email: 'y@example.com', password: 'short', role: 'viewer' });
    expect(weak.body.code).toBe('PASSWORD_TOO_WEAK');
    await newUser('viewer');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await admin.get(`/users?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((u: { id: string }) => u.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(op.id);
  });

  it('updates with optimistic versions and replaces grants', async () => {
    const app = await newApp();
    const user = await newUser('viewer');
    const updated = await admin.patch(`/users/${user.id}`, { displayName: 'Vee', role: 'operator', apps: [app.name], version: user.version });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ displayName: 'Vee', role: 'operator', apps: [{ id: app.id, name: app.name }] });
    const stale = await admin.patch(`/users/${user.id}`, { displayName: 'Stale', version: user.version });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect((await admin.get(`/users/${user.id}`)).body.displayName).toBe('Vee');
    expect((await admin.get('/users/999999')).body.code).toBe('USER_NOT_FOUND');
    expect((await admin.get('/users/abc')).body.code).toBe('INVALID_ID');
  });

  it('never demotes, disables or deletes the last enabled admin, nor lets an admin delete themselves', async () => {
    const me = (await admin.get('/auth/state')).body.user;
    expect((await admin.patch(`/users/${me.id}`, { role: 'viewer' })).body.code).toBe('LAST_ADMIN');
    expect((await admin.patch(`/users/${me.id}`, { disabled: true })).body.code).toBe('LAST_ADMIN');
    expect((await admin.delete(`/users/${me.id}`)).status).toBe(403);
    const second = await newUser('admin');
    const other = await login(second);
    expect((await other.delete(`/users/${me.id}`)).status).toBe(204);
    const lastOne = await other.delete(`/users/${second.id}`);
    expect(lastOne.status).toBe(403);
    expect((await other.patch(`/users/${second.id}`, { role: 'operator' })).body.code).toBe('LAST_ADMIN');
    // Put the first admin back for the rest of the file.
    const recreated = await other.post('/users', { email: ADMIN.email, password: ADMIN.password, role: 'admin' });
    expect(recreated.status).toBe(201);
    admin = await login(ADMIN);
    expect((await admin.get('/users')).status).toBe(200);
  });

  it('is for admins only', async () => {
    const viewer = await login(await newUser('viewer'));
    expect((await viewer.get('/users')).status).toBe(403);
    expect((await viewer.get('/audit')).status).toBe(403);
    expect((await server.request('GET', '/users')).status).toBe(401);
  });
});

describe('API keys', () => {
  it('shows the key once, stores only its hash and prefix, and never returns it again', async () => {
    const app = await newApp();
    const res = await createKey(admin, { name: 'deployer', scopes: ['trigger', 'read'], apps: [app.name] });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^bk_[A-Za-z0-9_-]{43}$/);
    expect(res.body.key.startsWith(res.body.prefix)).toBe(true);
    expect(res.body).toMatchObject({ name: 'deployer', scopes: ['trigger', 'read'], allApps: false, apps: [{ id: app.id, name: app.name }], revokedAt: null });
    const row = (await query('SELECT key_hash FROM api_keys WHERE id = ?', [res.body.id]))[0];
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const list = await admin.get('/api-keys');
    expect(list.text).not.toContain(res.body.key);
    expect(list.body.items.find((k: { id: string }) => k.id === res.body.id)).not.toHaveProperty('key');
  });

  it('records last use and stops working when revoked (the row stays)', async () => {
    const res = await createKey(admin, { name: 'revoke-me', scopes: ['read'], apps: ['*'] });
    const auth = server.app.get(Authenticator);
    await auth.authenticate({ method: 'GET', headers: { authorization: `Bearer ${res.body.key}` }, ip: '' });
    expect((await query('SELECT last_used_at FROM api_keys WHERE id = ?', [res.body.id]))[0].last_used_at).not.toBeNull();
    expect((await admin.delete(`/api-keys/${res.body.id}`)).status).toBe(204);
    await expect(auth.authenticate({ method: 'GET', headers: { authorization: `Bearer ${res.body.key}` }, ip: '' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/revoked/) });
    const call = bearer(server, res.body.key);
    expect((await call('GET', '/api-keys')).status).toBe(401);
    const listed = (await admin.get('/api-keys')).body.items.find((k: { id: string }) => k.id === res.body.id);
    expect(listed.revokedAt).not.toBeNull();
  });

  it('expires at expiresAt, which must be in the future', async () => {
    const past = await createKey(admin, { name: 'past', scopes: ['read'], apps: ['*'], expiresAt: new Date(clock.now().getTime() - 1000).toISOString() });
    expect(past.status).toBe(400);
    const res = await createKey(admin, { name: 'soon', scopes: ['read'], apps: ['*'], expiresAt: new Date(clock.now().getTime() + 3_600_000).toISOString() });
    expect(res.status).toBe(201);
    const auth = server.app.get(Authenticator);
    await expect(auth.authenticate({ method: 'GET', headers: { authorization: `Bearer ${res.body.key}` }, ip: '' })).resolves.toMatchObject({ kind: 'api_key' });
    clock.advance(3_600_000);
    await expect(auth.authenticate({ method: 'GET', headers: { authorization: `Bearer ${res.body.key}` }, ip: '' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/expired/) });
  });

  it('operators create keys only for their granted apps, never "*", and see and revoke only their own; viewers and keys create none', async () => {
    const [mine, theirs] = [await newApp(), await newApp()];
    const op = await login(await newUser('operator', [mine.name]));
    const other = await login(await newUser('operator', [theirs.name]));
    const ok = await createKey(op, { name: 'op-key', scopes: ['manage'], apps: [mine.name] });
    expect(ok.status).toBe(201);
    expect((await createKey(op, { name: 'x', scopes: ['read'], apps: [theirs.name] })).status).toBe(403);
    expect((await createKey(op, { name: 'x', scopes: ['read'], apps: ['*'] })).status).toBe(403);
    const otherKey = await createKey(other, { name: 'other-key', scopes: ['read'], apps: [theirs.name] });
    const opList = (await op.get('/api-keys')).body.items.map((k: { id: string }) => k.id);
    expect(opList).toEqual([ok.body.id]);
    expect((await op.delete(`/api-keys/${otherKey.body.id}`)).status).toBe(404);
    expect((await op.delete(`/api-keys/${ok.body.id}`)).status).toBe(204);

    const viewer = await login(await newUser('viewer', [mine.name]));
    expect((await createKey(viewer, { name: 'v', scopes: ['read'], apps: [mine.name] })).status).toBe(403);
    const asKey = await bearer(server, otherKey.body.key)('POST', '/api-keys', { name: 'k', scopes: ['read'], apps: [theirs.name] });
    expect(asKey.status).toBe(403);
    await expect(server.app.get(ApiKeysService).create({ name: 'k', scopes: ['read'], apps: [theirs.name] }, { principal: null, actor: { type: 'anonymous', id: null, name: '' }, ip: '', requestId: '' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a key never does more than its creator may do now', async () => {
    const [a, b] = [await newApp(), await newApp()];
    const user = await newUser('operator', [a.name, b.name]);
    const op = await login(user);
    const key = await createKey(op, { name: 'both', scopes: ['read', 'manage'], apps: [a.name, b.name] });
    const auth = server.app.get(Authenticator);
    const principal = async () => (await auth.authenticate({ method: 'GET', headers: { authorization: `Bearer ${key.body.key}` }, ip: '' })) as any;
    expect([...(await principal()).appIds].sort()).toEqual([a.id, b.id].sort());
    await admin.patch(`/users/${user.id}`, { apps: [a.name] });
    expect([...(await principal()).appIds]).toEqual([a.id]);
    await admin.patch(`/users/${user.id}`, { role: 'viewer' });
    expect([...(await principal()).scopes]).toEqual(['read']);
  });

  it('disabling or deleting a user revokes the keys they created', async () => {
    const app = await newApp();
    const user = await newUser('operator', [app.name]);
    const op = await login(user);
    const key = await createKey(op, { name: 'mine', scopes: ['read'], apps: [app.name] });
    expect((await admin.patch(`/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await query('SELECT revoked_at FROM api_keys WHERE id = ?', [key.body.id]))[0].revoked_at).not.toBeNull();
    expect((await admin.delete(`/users/${user.id}`)).status).toBe(204);
  });

  it('issue() creates keys of any scope for tests and system code', async () => {
    const key = await server.app.get(ApiKeysService).issue({ name: 'system', scopes: ['manage'], apps: ['*'] }, null);
    secrets.keys.add(key.key);
    const principal = await server.app.get(Authenticator).authenticate({ method: 'DELETE', headers: { authorization: `Bearer ${key.key}` }, ip: '' });
    expect(principal).toMatchObject({ kind: 'api_key', allApps: true });
  });
});

describe('audit log', () => {
  it('records identity events with actor and address, filters them, and pages newest first', async () => {
    const all = await admin.get('/audit?limit=200');
    const actions = new Set(all.body.items.map((e: { action: string }) => e.action));
    for (const a of ['auth.setup', 'auth.login', 'user.create', 'user.update', 'user.delete', 'api_key.create', 'api_key.revoke']) expect(actions, a).toContain(a);
    const ids = all.body.items.map((e: { id: string }) => BigInt(e.id));
    expect([...ids].sort((x, y) => (x < y ? 1 : -1))).toEqual(ids);
    const creates = await admin.get('/audit?action=user.create&limit=2');
    expect(creates.body.items).toHaveLength(2);
    expect(creates.body.items[0]).toMatchObject({ action: 'user.create', actor: { type: 'user', name: expect.any(String) }, target: { type: 'user' } });
    expect(creates.body.items[0].ip).toMatch(/^10\.1\./);
    const next = await admin.get(`/audit?action=user.create&limit=2&cursor=${creates.body.nextCursor}`);
    expect(BigInt(next.body.items[0].id)).toBeLessThan(BigInt(creates.body.items[1].id));
    const none = await admin.get(`/audit?from=${encodeURIComponent(new Date(clock.now().getTime() + 86_400_000).toISOString())}`);
    expect(none.body.items).toEqual([]);
    expect((await admin.get('/audit?actorType=robot')).status).toBe(400);
  });
});

describe('secrets', () => {
  it('no password, hash, session id, CSRF token or key appears in any response body or log line (a key only in its creation response)', async () => {
    for (const b of browsers) {
      if (b.sessionToken) secrets.sessions.add(b.sessionToken);
      if (b.csrfToken) secrets.csrf.add(b.csrfToken);
    }
    const hashes = [
      ...(await query('SELECT password_hash AS h FROM users')),
      ...(await query('SELECT id AS h FROM sessions')),
      ...(await query('SELECT csrf_token_hash AS h FROM sessions')),
      ...(await query('SELECT key_hash AS h FROM api_keys')),
    ].map((r) => String(r.h));
    expect(secrets.keys.size).toBeGreaterThan(3);
    expect(secrets.sessions.size).toBeGreaterThan(3);
    const logs = capturedLogLines().join('\n');
    const bodies = server.transcript;
    for (const s of [...secrets.passwords, ...secrets.sessions, ...hashes]) {
      expect(bodies.filter((b) => b.includes(s)), s).toEqual([]);
      expect(logs.includes(s), s).toBe(false);
    }
    for (const k of secrets.keys) {
      expect(bodies.filter((b) => b.includes(k)).length, k).toBeLessThanOrEqual(1);
      expect(logs.includes(k)).toBe(false);
    }
    // The CSRF token is returned once, at sign-in (the console reads it from there or its cookie).
    for (const c of secrets.csrf) {
      expect(bodies.filter((b) => b.includes(c)).length).toBe(1);
      expect(logs.includes(c)).toBe(false);
    }
  });
});
