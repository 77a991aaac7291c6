import { Injectable } from '@nestjs/common';
import type { AppRef, CreateUserRequest, Page, ResetPasswordRequest, UpdateUserRequest, UserDto } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { parseId } from '../../common/http/id-params.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/http/pagination.js';
import { AppsService } from '../apps/apps.service.js';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { normalizeEmail } from './auth-secrets.js';
import { forbidden, lastAdmin, notSignedIn, userEmailTaken, userNotFound, userVersionConflict } from './auth.errors.js';
import type { CallerMeta } from './caller.decorators.js';
import { PasswordHasher } from './passwords.js';
import { isAdmin } from './principal.js';
import { SessionsService } from './sessions.service.js';
import type { UserEntity } from './user.entity.js';
import { toUserDto } from './user.mapper.js';
import { UsersRepository } from './users.repository.js';

/** Who acts when code (a test, a bootstrap) creates users itself rather than a request. */
export const SYSTEM_CALLER: CallerMeta = { principal: null, actor: { type: 'system', id: null, name: 'system' }, ip: '', requestId: '' };

/**
 * Users (admin only; routes declare `allow.admin()`, and each entry point checks again so the
 * service never serves a non-admin even without the access guard).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly apps: AppsService,
    private readonly keys: ApiKeysRepository,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditRecorder,
    private readonly clock: Clock,
  ) {}

  async list(query: { cursor?: string; limit?: number }, caller: CallerMeta): Promise<Page<UserDto>> {
    requireAdmin(caller);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.users.list(decodeCursor(query.cursor), limit + 1);
    const page = toPage(rows, limit, (u) => u);
    return { items: await this.toDtos(page.items), nextCursor: page.nextCursor };
  }

  async get(id: string, caller: CallerMeta): Promise<UserDto> {
    requireAdmin(caller);
    return this.toDto(await this.find(id));
  }

  async create(body: CreateUserRequest, caller: CallerMeta): Promise<UserDto> {
    requireAdmin(caller);
    return this.createUser(body, caller);
  }

  /**
   * Creates a user without checking who asks: for code that acts as the system, such as tests
   * (`app.get(UsersService).createUser({...}, SYSTEM_CALLER)`). Routes use `create`.
   */
  async createUser(body: CreateUserRequest, caller: CallerMeta = SYSTEM_CALLER): Promise<UserDto> {
    const email = normalizeEmail(body.email);
    this.hasher.assertAcceptable(body.password, email);
    const appIds = body.role === 'admin' ? [] : await this.resolveApps(body.apps ?? []);
    const now = this.clock.now();
    const user = await this.users.insert(
      { email, displayName: body.displayName ?? '', passwordHash: await this.hasher.hash(body.password), role: body.role, passwordChangedAt: now, createdAt: now, updatedAt: now },
      appIds,
    );
    if (!user) throw userEmailTaken(email);
    const dto = await this.toDto(user);
    await this.record(caller, 'user.create', user.id, { email, role: body.role, apps: dto.apps.map((a) => a.name) });
    return dto;
  }

  async update(id: string, body: UpdateUserRequest, caller: CallerMeta): Promise<UserDto> {
    requireAdmin(caller);
    const user = await this.find(id);
    const role = body.role ?? user.role;
    const disabled = body.disabled ?? user.disabled;
    let appIds = body.apps !== undefined ? await this.resolveApps(body.apps) : undefined;
    // Admins see every app; grants they had as operator or viewer are dropped.
    if (role === 'admin' && (appIds !== undefined || user.role !== 'admin')) appIds = [];
    const losesAdmin = user.role === 'admin' && !user.disabled && (role !== 'admin' || disabled);
    const outcome = await this.users.update(user.id, { displayName: body.displayName, role: body.role, disabled: body.disabled, appIds }, body.version, losesAdmin, this.clock.now());
    if (outcome === 'missing') throw userNotFound(id);
    if (outcome === 'last-admin') throw lastAdmin();
    if (outcome === 'conflict') throw userVersionConflict((await this.find(id)).version);
    if (disabled && !user.disabled) await this.cutOff(user.id);
    const updated = await this.toDto(await this.find(id));
    const changes: Record<string, unknown> = {};
    if (body.displayName !== undefined && body.displayName !== user.displayName) changes.displayName = body.displayName;
    if (role !== user.role) changes.role = { from: user.role, to: role };
    if (disabled !== user.disabled) changes.disabled = disabled;
    if (body.apps !== undefined) changes.apps = updated.apps.map((a) => a.name);
    await this.record(caller, 'user.update', user.id, { email: user.email, ...changes });
    return updated;
  }

  /** Admin reset: sets the password and ends the user's sessions. */
  async resetPassword(id: string, body: ResetPasswordRequest, caller: CallerMeta): Promise<void> {
    requireAdmin(caller);
    const user = await this.find(id);
    this.hasher.assertAcceptable(body.password, user.email);
    if (!(await this.users.setPassword(user.id, await this.hasher.hash(body.password), this.clock.now()))) throw userNotFound(id);
    const ended = await this.sessions.revokeAllOfUser(user.id);
    await this.record(caller, 'user.password_reset', user.id, { email: user.email, sessionsEnded: ended });
  }

  async delete(id: string, caller: CallerMeta): Promise<void> {
    const principal = requireAdmin(caller);
    const user = await this.find(id);
    if (principal && principal.id === user.id) throw forbidden('You cannot delete your own account; ask another admin.');
    const outcome = await this.users.delete(user.id);
    if (outcome === 'missing') throw userNotFound(id);
    if (outcome === 'last-admin') throw lastAdmin();
    const keysRevoked = await this.keys.revokeAllCreatedBy(user.id, this.clock.now());
    await this.record(caller, 'user.delete', user.id, { email: user.email, role: user.role, revokedKeys: keysRevoked });
  }

  async toDto(user: UserEntity): Promise<UserDto> {
    return (await this.toDtos([user]))[0]!;
  }

  async toDtos(users: UserEntity[]): Promise<UserDto[]> {
    const grants = await this.users.grantsOf(users.map((u) => u.id));
    const names = await this.apps.namesByIds([...grants.values()].flat());
    return users.map((u) => toUserDto(u, (grants.get(u.id) ?? []).filter((id) => names.has(id)).map((id): AppRef => ({ id, name: names.get(id)! }))));
  }

  /** App ids or names → ids (404 APP_NOT_FOUND for an unknown one). */
  async resolveApps(refs: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const ref of new Set(refs)) ids.push((await this.apps.resolve(ref)).id);
    return [...new Set(ids)];
  }

  /** A disabled or deleted user keeps no session and no working API key. */
  private async cutOff(userId: string): Promise<void> {
    await this.sessions.revokeAllOfUser(userId);
    await this.keys.revokeAllCreatedBy(userId, this.clock.now());
  }

  private async find(id: string): Promise<UserEntity> {
    const user = await this.users.findById(parseId(id, 'User'));
    if (!user) throw userNotFound(id);
    return user;
  }

  private record(caller: CallerMeta, action: string, userId: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record({ actor: caller.actor, action, target: { type: 'user', id: userId }, ip: caller.ip, requestId: caller.requestId, details });
  }
}

/** Admin users only; returns the admin principal (null for SYSTEM_CALLER, which code uses directly). */
function requireAdmin(caller: CallerMeta) {
  if (caller === SYSTEM_CALLER) return null;
  if (!caller.principal) throw notSignedIn();
  if (!isAdmin(caller.principal)) throw forbidden('Only admins manage users.');
  return caller.principal;
}
