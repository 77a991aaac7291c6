import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { inTransactionWithNamedLock } from '../../database/named-lock.js';
import { isDuplicateKey } from '../../database/sql-errors.js';
import { UserAppGrantEntity } from './user-app-grant.entity.js';
import { UserEntity } from './user.entity.js';

export type NewUser = Omit<UserEntity, 'id' | 'version' | 'failedLoginCount' | 'lockedUntil' | 'lastLoginAt' | 'disabled'>;

export interface UserChanges {
  displayName?: string;
  role?: string;
  disabled?: boolean;
  /** Replaces the user's grants when given. */
  appIds?: string[];
}

export type FirstAdminOutcome = { created: UserEntity } | { refused: 'users-exist' | 'token-invalid' };

@Injectable()
export class UsersRepository {
  private readonly users: Repository<UserEntity>;
  /**
   * Serializes changes that must see every user at once: creating the first admin, and
   * demoting, disabling or deleting an admin (never the last one). A MySQL named lock is
   * server-wide, so its name carries the database's (SQLite ignores the name: its write
   * transactions run one at a time).
   */
  private readonly usersLock: string;

  constructor(private readonly dataSource: DataSource) {
    this.users = dataSource.getRepository(UserEntity);
    const db = String(dataSource.options.database ?? '');
    this.usersLock = `baton_users:${createHash('sha256').update(db).digest('hex').slice(0, 40)}`;
  }

  async anyExists(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM users LIMIT 1');
    return rows.length > 0;
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email });
  }

  findByIds(ids: string[]): Promise<UserEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.users.createQueryBuilder('u').where('u.id IN (:...ids)', { ids }).getMany();
  }

  list(afterId: string | undefined, limit: number): Promise<UserEntity[]> {
    const q = this.users.createQueryBuilder('u').orderBy('u.id', 'ASC').limit(limit);
    if (afterId) q.where('u.id > :afterId', { afterId });
    return q.getMany();
  }

  /** Granted app ids per user. */
  async grantsOf(userIds: string[]): Promise<Map<string, string[]>> {
    const grants = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return grants;
    const rows: Array<{ user_id: string; app_id: string }> = await this.dataSource.query(
      `SELECT user_id, app_id FROM user_app_grants WHERE user_id IN (${userIds.map(() => '?').join(',')}) ORDER BY app_id`,
      userIds,
    );
    for (const r of rows) grants.get(String(r.user_id))?.push(String(r.app_id));
    return grants;
  }

  /** Inserts the user and its grants; null when the e-mail is taken. */
  async insert(user: NewUser, appIds: string[]): Promise<UserEntity | null> {
    try {
      const id = await this.dataSource.transaction((m) => this.insertWith(m, user, appIds));
      return this.findById(id);
    } catch (error) {
      if (isDuplicateKey(error, 'uq_users_email')) return null;
      throw error;
    }
  }

  /**
   * Creates the first admin while no user exists, under the users lock so that nodes starting
   * together (or two setup requests) create one admin at most. With a setup token, the token is
   * claimed in the same transaction (single use: the guarded UPDATE succeeds once).
   */
  async createFirstAdmin(user: NewUser, setupTokenHash: string | null, now: Date): Promise<FirstAdminOutcome> {
    const outcome = await inTransactionWithNamedLock(this.dataSource, this.usersLock, async (m): Promise<{ refused: 'users-exist' | 'token-invalid' } | { id: string }> => {
      const existing: unknown[] = await m.query('SELECT 1 FROM users LIMIT 1');
      if (existing.length > 0) return { refused: 'users-exist' };
      if (setupTokenHash !== null) {
        const claim = await m.query('UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?', [now, setupTokenHash, now]);
        if (claim.affectedRows !== 1) return { refused: 'token-invalid' };
      }
      return { id: await this.insertWith(m, user, []) };
    });
    if ('refused' in outcome) return outcome;
    return { created: (await this.findById(outcome.id))! };
  }

  private async insertWith(m: EntityManager, user: NewUser, appIds: string[]): Promise<string> {
    const result = await m.getRepository(UserEntity).insert({ ...user, disabled: false, failedLoginCount: 0, lockedUntil: null, lastLoginAt: null, version: 1 });
    const id = String(result.identifiers[0]!.id);
    if (appIds.length > 0) await m.getRepository(UserAppGrantEntity).insert(appIds.map((appId) => ({ userId: id, appId })));
    return id;
  }

  /**
   * Counts a failed sign-in; the failure that reaches `maxFailures` locks the account until
   * `lockUntil` and starts the count again. (MySQL evaluates SET left to right, SQLite from the
   * old row: with locked_until first, both read the old count.)
   */
  async registerFailedLogin(id: string, maxFailures: number, lockUntil: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE users
          SET locked_until = CASE WHEN failed_login_count + 1 >= ? THEN ? ELSE locked_until END,
              failed_login_count = CASE WHEN failed_login_count + 1 >= ? THEN 0 ELSE failed_login_count + 1 END
        WHERE id = ?`,
      [maxFailures, lockUntil, maxFailures, id],
    );
  }

  async registerLogin(id: string, now: Date): Promise<void> {
    await this.dataSource.query('UPDATE users SET failed_login_count = 0, locked_until = NULL, last_login_at = ? WHERE id = ?', [now, id]);
  }

  /** Sets a new password and clears any lockout. */
  async setPassword(id: string, passwordHash: string, now: Date): Promise<boolean> {
    const result = await this.dataSource.query(
      'UPDATE users SET password_hash = ?, password_changed_at = ?, failed_login_count = 0, locked_until = NULL, updated_at = ?, version = version + 1 WHERE id = ?',
      [passwordHash, now, now, id],
    );
    return result.affectedRows > 0;
  }

  /**
   * Applies the changes when `expectedVersion` (if given) is current. With `guardLastAdmin`,
   * refuses when the user is the only enabled admin (checked under the users lock).
   */
  async update(id: string, changes: UserChanges, expectedVersion: number | undefined, guardLastAdmin: boolean, now: Date): Promise<'updated' | 'conflict' | 'last-admin' | 'missing'> {
    const apply = async (m: EntityManager): Promise<'updated' | 'conflict' | 'last-admin' | 'missing'> => {
      if (guardLastAdmin && (await this.isLastEnabledAdmin(m, id))) return 'last-admin';
      const set: Record<string, unknown> = { updatedAt: now, version: () => 'version + 1' };
      if (changes.displayName !== undefined) set.displayName = changes.displayName;
      if (changes.role !== undefined) set.role = changes.role;
      if (changes.disabled !== undefined) set.disabled = changes.disabled;
      const q = m.getRepository(UserEntity).createQueryBuilder().update().set(set).where('id = :id', { id });
      if (expectedVersion !== undefined) q.andWhere('version = :expectedVersion', { expectedVersion });
      if (((await q.execute()).affected ?? 0) === 0) {
        const exists: unknown[] = await m.query('SELECT 1 FROM users WHERE id = ?', [id]);
        return exists.length > 0 ? 'conflict' : 'missing';
      }
      if (changes.appIds !== undefined) {
        await m.query('DELETE FROM user_app_grants WHERE user_id = ?', [id]);
        if (changes.appIds.length > 0) await m.getRepository(UserAppGrantEntity).insert(changes.appIds.map((appId) => ({ userId: id, appId })));
      }
      return 'updated';
    };
    return guardLastAdmin ? inTransactionWithNamedLock(this.dataSource, this.usersLock, apply) : this.dataSource.transaction(apply);
  }

  /** Deletes the user with their grants and sessions, never the last enabled admin. */
  async delete(id: string): Promise<'deleted' | 'last-admin' | 'missing'> {
    return inTransactionWithNamedLock(this.dataSource, this.usersLock, async (m) => {
      if (await this.isLastEnabledAdmin(m, id)) return 'last-admin';
      const result = await m.query('DELETE FROM users WHERE id = ?', [id]);
      if (result.affectedRows === 0) return 'missing';
      await m.query('DELETE FROM user_app_grants WHERE user_id = ?', [id]);
      await m.query('DELETE FROM sessions WHERE user_id = ?', [id]);
      return 'deleted';
    });
  }

  private async isLastEnabledAdmin(m: EntityManager, id: string): Promise<boolean> {
    const rows: Array<{ me: number | string; others: number | string }> = await m.query(
      `SELECT (SELECT COUNT(*) FROM users WHERE id = ? AND role = 'admin' AND disabled = 0) AS me,
              (SELECT COUNT(*) FROM users WHERE id <> ? AND role = 'admin' AND disabled = 0) AS others`,
      [id, id],
    );
    return Number(rows[0]?.me) === 1 && Number(rows[0]?.others) === 0;
  }
}
