import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeysRepository, type NewApiKey } from '../../src/modules/auth/api-keys.repository.js';
import { LoginAttemptsRepository } from '../../src/modules/auth/login-attempts.repository.js';
import type { SessionEntity } from '../../src/modules/auth/session.entity.js';
import { SessionsRepository } from '../../src/modules/auth/sessions.repository.js';
import { SetupTokensRepository } from '../../src/modules/auth/setup-tokens.repository.js';
import { UsersRepository, type NewUser } from '../../src/modules/auth/users.repository.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { TEST_ENGINES } from '../support/test-database.js';

// Who may sign in and with what: e-mail rules, session liveness, key lookup, single-use setup
// tokens and the login rate window must mean the same on both engines.
describe.each(TEST_ENGINES)('identity repositories on %s', (engine) => {
  let e: EngineDatabase;
  let users: UsersRepository;
  let sessions: SessionsRepository;
  let keys: ApiKeysRepository;
  let setupTokens: SetupTokensRepository;
  let attempts: LoginAttemptsRepository;
  const now = new Date('2026-11-21T10:00:00.123Z');
  const at = (ms: number) => new Date(now.getTime() + ms);
  const q = (statement: string, params: unknown[] = []) => e.dataSource.query(statement, params);

  const newUser = (email: string, role = 'admin'): NewUser => ({
    email,
    displayName: '',
    passwordHash: 'hash',
    role,
    passwordChangedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  const session = (id: string, userId: string, over: Partial<SessionEntity> = {}): SessionEntity => ({
    id: id.padEnd(64, '0'),
    userId,
    csrfTokenHash: 'c'.repeat(64),
    ip: '10.0.0.1',
    userAgent: 'test',
    createdAt: now,
    lastSeenAt: now,
    expiresAt: at(3_600_000),
    revokedAt: null,
    ...over,
  });
  const newKey = (hash: string, createdByUserId: string | null = null): NewApiKey => ({
    name: 'deployer',
    prefix: 'bk_abc',
    keyHash: hash.padEnd(64, '0'),
    scopes: 'trigger,read',
    allApps: false,
    createdByUserId,
    createdAt: now,
    expiresAt: null,
  });

  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'identity');
    users = new UsersRepository(e.dataSource);
    sessions = new SessionsRepository(e.dataSource);
    keys = new ApiKeysRepository(e.dataSource);
    setupTokens = new SetupTokensRepository(e.dataSource);
    attempts = new LoginAttemptsRepository(e.dataSource);
  });
  afterAll(async () => e?.close());
  beforeEach(async () => {
    for (const table of ['users', 'user_app_grants', 'sessions', 'api_keys', 'api_key_apps', 'setup_tokens', 'login_attempts']) await q(`DELETE FROM ${table}`);
  });

  describe('users', () => {
    it('keeps e-mails unique whatever their case, and finds one by any case', async () => {
      const ann = await users.insert(newUser('ann@example.com'), []);
      expect(ann).not.toBeNull();
      expect(typeof ann!.id).toBe('string');
      expect(await users.insert(newUser('Ann@Example.COM'), [])).toBeNull();
      expect((await users.findByEmail('ANN@example.com'))?.id).toBe(ann!.id);
      expect(await users.findByEmail('ann@example.org')).toBeNull();
    });

    it('stores grants, pages by id and round-trips times to the millisecond', async () => {
      const created = [];
      for (const name of ['a', 'b', 'c']) created.push((await users.insert(newUser(`${name}@example.com`, 'operator'), ['7', '3']))!);
      expect(created[0]).toMatchObject({ disabled: false, failedLoginCount: 0, lockedUntil: null, createdAt: now, version: 1 });
      const firstPage = await users.list(undefined, 2);
      expect(firstPage.map((u) => u.email)).toEqual(['a@example.com', 'b@example.com']);
      expect((await users.list(firstPage[1]!.id, 2)).map((u) => u.email)).toEqual(['c@example.com']);
      expect((await users.grantsOf([created[0]!.id])).get(created[0]!.id)).toEqual(['3', '7']);
    });

    it('counts failed sign-ins and locks at the limit, starting the count again', async () => {
      const u = (await users.insert(newUser('lock@example.com'), []))!;
      const lockUntil = at(900_000);
      await users.registerFailedLogin(u.id, 3, lockUntil);
      await users.registerFailedLogin(u.id, 3, lockUntil);
      expect(await users.findById(u.id)).toMatchObject({ failedLoginCount: 2, lockedUntil: null });
      await users.registerFailedLogin(u.id, 3, lockUntil);
      expect(await users.findById(u.id)).toMatchObject({ failedLoginCount: 0, lockedUntil: lockUntil });
      await users.registerLogin(u.id, now);
      expect(await users.findById(u.id)).toMatchObject({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
    });

    it('applies a change only at the expected version, and never removes the last enabled admin', async () => {
      const admin = (await users.insert(newUser('root@example.com'), []))!;
      expect(await users.update(admin.id, { displayName: 'Root' }, 1, false, now)).toBe('updated');
      expect(await users.update(admin.id, { displayName: 'Stale' }, 1, false, now)).toBe('conflict');
      expect(await users.update('999999', { displayName: 'x' }, undefined, false, now)).toBe('missing');
      expect(await users.update(admin.id, { role: 'viewer' }, undefined, true, now)).toBe('last-admin');
      expect(await users.delete(admin.id)).toBe('last-admin');
      const other = (await users.insert(newUser('second@example.com'), []))!;
      expect(await users.update(admin.id, { disabled: true }, 2, true, now)).toBe('updated');
      expect(await users.findById(admin.id)).toMatchObject({ disabled: true, displayName: 'Root', version: 3 });
      expect(await users.delete(other.id)).toBe('last-admin');
      expect(await users.delete(admin.id)).toBe('deleted');
      expect(await users.delete(admin.id)).toBe('missing');
    });
  });

  describe('first admin and setup tokens', () => {
    it('two setups racing with one token create one admin and use the token once', async () => {
      await setupTokens.insert('t'.repeat(64), now, at(3_600_000));
      expect(await setupTokens.isUsable('t'.repeat(64), now)).toBe(true);
      const outcomes = await Promise.all([
        users.createFirstAdmin(newUser('one@example.com'), 't'.repeat(64), now),
        users.createFirstAdmin(newUser('two@example.com'), 't'.repeat(64), now),
      ]);
      expect(outcomes.filter((o) => 'created' in o)).toHaveLength(1);
      expect(outcomes.filter((o) => 'refused' in o)).toEqual([{ refused: 'users-exist' }]);
      expect(await q('SELECT role FROM users')).toEqual([{ role: 'admin' }]);
      expect(await setupTokens.isUsable('t'.repeat(64), now)).toBe(false);
    });

    it('refuses an expired, unknown or used token, and prunes expired ones in batches', async () => {
      await setupTokens.insert('e'.repeat(64), at(-7_200_000), at(-1));
      expect(await setupTokens.isUsable('e'.repeat(64), now)).toBe(false);
      expect(await users.createFirstAdmin(newUser('x@example.com'), 'e'.repeat(64), now)).toEqual({ refused: 'token-invalid' });
      expect(await users.createFirstAdmin(newUser('x@example.com'), 'u'.repeat(64), now)).toEqual({ refused: 'token-invalid' });
      expect(await users.anyExists()).toBe(false);
      await setupTokens.insert('f'.repeat(64), at(-7_200_000), at(-2));
      await setupTokens.insert('g'.repeat(64), now, at(60_000));
      expect(await setupTokens.pruneExpired(now, 1)).toBe(1);
      expect(await setupTokens.pruneExpired(now, 10)).toBe(1);
      expect(await q('SELECT token_hash FROM setup_tokens')).toEqual([{ token_hash: 'g'.repeat(64) }]);
    });
  });

  describe('sessions', () => {
    it('finds a session only while it is unrevoked, unexpired and used since the idle cutoff', async () => {
      await sessions.insert(session('s1', '1', { lastSeenAt: at(-1_000), expiresAt: at(60_000) }));
      const id = 's1'.padEnd(64, '0');
      const live = await sessions.findLive(id, now, at(-2_000));
      expect(live).toMatchObject({ id, userId: '1', lastSeenAt: at(-1_000), expiresAt: at(60_000), revokedAt: null });
      // Idle: last seen exactly at the cutoff is too old; expiry is exclusive too.
      expect(await sessions.findLive(id, now, at(-1_000))).toBeNull();
      expect(await sessions.findLive(id, at(60_000), at(-2_000))).toBeNull();
      await sessions.revoke(id, now);
      expect(await sessions.findLive(id, now, at(-2_000))).toBeNull();
    });

    it('touches a session at most once per window, and not after revocation', async () => {
      await sessions.insert(session('s2', '1'));
      const id = 's2'.padEnd(64, '0');
      const lastSeen = async () => (await sessions.findLive(id, now, at(-3_600_000)))?.lastSeenAt;
      await sessions.touch(id, at(30_000), at(-30_000)); // seen at `now`, not stale yet
      expect(await lastSeen()).toEqual(now);
      await Promise.all([sessions.touch(id, at(61_000), at(1_000)), sessions.touch(id, at(61_500), at(1_500))]);
      expect([at(61_000).getTime(), at(61_500).getTime()]).toContain((await lastSeen())!.getTime());
      await sessions.revoke(id, at(62_000));
      await sessions.touch(id, at(200_000), at(140_000));
      const row = await q('SELECT last_seen_at, revoked_at FROM sessions WHERE id = ?', [id]);
      expect(row[0].revoked_at).toEqual(at(62_000));
      expect(row[0].last_seen_at.getTime()).toBeLessThan(at(200_000).getTime());
    });

    it("revokes a user's other live sessions with the count changed, and prunes dead ones in batches", async () => {
      for (const s of ['a', 'b', 'c']) await sessions.insert(session(s, '1'));
      await sessions.insert(session('d', '2'));
      expect(await sessions.revokeAllOfUser('1', now, 'a'.padEnd(64, '0'))).toBe(2);
      expect(await sessions.revokeAllOfUser('1', now, 'a'.padEnd(64, '0'))).toBe(0);
      expect(await sessions.revokeAllOfUser('1', now)).toBe(1);
      await sessions.insert(session('e', '2', { expiresAt: at(-1) }));
      await sessions.insert(session('f', '2', { lastSeenAt: at(-7_200_000) }));
      // Dead: e (expired); a, b, c (revoked) and f (idle), at most 2 of each kind per call. d lives.
      expect(await sessions.pruneDead(now, at(-3_600_000), 2)).toBe(3);
      expect(await sessions.pruneDead(now, at(-3_600_000), 2)).toBe(2);
      expect(await sessions.pruneDead(now, at(-3_600_000), 2)).toBe(0);
      expect((await q('SELECT id FROM sessions')).map((r: { id: string }) => r.id)).toEqual(['d'.padEnd(64, '0')]);
    });
  });

  describe('API keys', () => {
    it('finds a key by its hash with its apps, and records use at most once per window', async () => {
      const key = await keys.insert(newKey('k1'), ['5', '2']);
      expect(typeof key.id).toBe('string');
      expect(key).toMatchObject({ allApps: false, createdAt: now, lastUsedAt: null, revokedAt: null });
      expect((await keys.findByHash('k1'.padEnd(64, '0')))?.id).toBe(key.id);
      expect(await keys.findByHash('k2'.padEnd(64, '0'))).toBeNull();
      expect((await keys.appIdsOf([key.id])).get(key.id)).toEqual(['2', '5']);
      await keys.touch(key.id, now, at(-60_000));
      expect((await keys.findById(key.id))?.lastUsedAt).toEqual(now);
      await keys.touch(key.id, at(30_000), at(-30_000));
      expect((await keys.findById(key.id))?.lastUsedAt).toEqual(now);
      await keys.touch(key.id, at(61_000), at(1_000));
      expect((await keys.findById(key.id))?.lastUsedAt).toEqual(at(61_000));
    });

    it('revokes once, and revokes every live key a user created with the count changed', async () => {
      const mine = await keys.insert(newKey('m1', '9'), []);
      await keys.insert(newKey('m2', '9'), []);
      await keys.insert(newKey('o1', '8'), []);
      expect(await keys.revoke(mine.id, now)).toBe(true);
      expect(await keys.revoke(mine.id, at(1))).toBe(false);
      expect((await keys.findById(mine.id))?.revokedAt).toEqual(now);
      expect(await keys.revokeAllCreatedBy('9', now)).toBe(1);
      expect(await keys.revokeAllCreatedBy('9', now)).toBe(0);
      expect((await keys.list('8', undefined, 10)).map((k) => k.revokedAt)).toEqual([null]);
    });
  });

  describe('login attempts', () => {
    it("finds the address's n-th most recent failure inside the window, and prunes old attempts in batches", async () => {
      const ip = '192.0.2.7';
      await attempts.record('a@example.com', ip, false, at(-20 * 60_000)); // before the window
      await attempts.record('a@example.com', ip, false, at(-10 * 60_000));
      await attempts.record('a@example.com', ip, true, at(-9 * 60_000)); // a success does not count
      await attempts.record('b@example.com', ip, false, at(-8 * 60_000));
      await attempts.record('a@example.com', '192.0.2.8', false, at(-7 * 60_000)); // another address
      await attempts.record('a@example.com', ip, false, at(-6 * 60_000));
      const since = at(-15 * 60_000);
      expect(await attempts.nthRecentFailure(ip, since, 1)).toEqual(at(-6 * 60_000));
      expect(await attempts.nthRecentFailure(ip, since, 3)).toEqual(at(-10 * 60_000));
      expect(await attempts.nthRecentFailure(ip, since, 4)).toBeNull();
      expect(await attempts.pruneOlderThan(at(-7 * 60_000), 3)).toBe(3);
      expect(await attempts.pruneOlderThan(at(-7 * 60_000), 3)).toBe(1);
      expect(await attempts.pruneOlderThan(at(-7 * 60_000), 3)).toBe(0);
      expect(Number((await q('SELECT COUNT(*) AS n FROM login_attempts'))[0].n)).toBe(2);
    });
  });
});
