import { Injectable } from '@nestjs/common';
import type { AuthStateDto, ChangePasswordRequest, LoginRequest, SessionDto, SetupRequest } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { hashSecret } from '../../common/secrets.js';
import { AppConfig } from '../../config/app-config.js';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { normalizeEmail } from './auth-secrets.js';
import { accountLocked, loginFailed, notSignedIn, rateLimited, setupNotAvailable, setupTokenInvalid } from './auth.errors.js';
import { Authenticator, type CredentialSource } from './authenticator.js';
import type { CallerMeta } from './caller.decorators.js';
import { LoginAttemptsRepository } from './login-attempts.repository.js';
import { PasswordHasher } from './passwords.js';
import type { UserPrincipal } from './principal.js';
import { SessionsService, type IssuedSession } from './sessions.service.js';
import { SetupTokensRepository } from './setup-tokens.repository.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';
import type { UserEntity } from './user.entity.js';

/** Failed sign-ins per address are counted over this window. */
export const LOGIN_IP_WINDOW_MS = 15 * 60_000;

/** A signed-in session: the DTO for the body, and the secrets for the cookies. */
export interface SignedIn {
  dto: SessionDto;
  session: IssuedSession;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly userViews: UsersService,
    private readonly setupTokens: SetupTokensRepository,
    private readonly attempts: LoginAttemptsRepository,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly authenticator: Authenticator,
    private readonly audit: AuditRecorder,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Never throws for bad credentials: a stale cookie just means "not signed in". */
  async state(source: CredentialSource): Promise<AuthStateDto> {
    const setupRequired = !(await this.users.anyExists());
    let principal = null;
    try {
      principal = await this.authenticator.authenticate({ ...source, method: 'GET' });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    if (principal?.kind !== 'user') return { setupRequired, user: null };
    const user = await this.users.findById(principal.id);
    return { setupRequired, user: user ? await this.userViews.toDto(user) : null };
  }

  async setup(body: SetupRequest, caller: CallerMeta, userAgent: string): Promise<SignedIn> {
    if (await this.users.anyExists()) throw setupNotAvailable();
    const tokenHash = hashSecret(body.token);
    if (!(await this.setupTokens.isUsable(tokenHash, this.clock.now()))) throw setupTokenInvalid();
    const email = normalizeEmail(body.email);
    this.hasher.assertAcceptable(body.password, email);
    const passwordHash = await this.hasher.hash(body.password);
    const now = this.clock.now();
    const outcome = await this.users.createFirstAdmin(
      { email, displayName: body.displayName ?? '', passwordHash, role: 'admin', passwordChangedAt: now, createdAt: now, updatedAt: now },
      tokenHash,
      now,
    );
    if ('refused' in outcome) throw outcome.refused === 'users-exist' ? setupNotAvailable() : setupTokenInvalid();
    const user = outcome.created;
    await this.audit.record({
      actor: { type: 'user', id: user.id, name: user.email },
      action: 'auth.setup',
      target: { type: 'user', id: user.id },
      ip: caller.ip,
      requestId: caller.requestId,
      details: { email: user.email, via: 'setup-token' },
    });
    return this.signIn(user, caller, userAgent);
  }

  async login(body: LoginRequest, caller: CallerMeta, userAgent: string): Promise<SignedIn> {
    const email = normalizeEmail(body.email);
    const now = this.clock.now();
    const blockingFailure = await this.attempts.nthRecentFailure(caller.ip, new Date(now.getTime() - LOGIN_IP_WINDOW_MS), this.config.loginMaxFailuresPerIp);
    if (blockingFailure) throw rateLimited(secondsUntil(new Date(blockingFailure.getTime() + LOGIN_IP_WINDOW_MS), now));

    const user = await this.users.findByEmail(email);
    if (!user) {
      await this.hasher.spendOneVerification(body.password);
      throw await this.failed(email, null, caller, 'unknown e-mail');
    }
    if (user.lockedUntil && user.lockedUntil > now) {
      await this.attempts.record(email, caller.ip, false, now);
      await this.recordFailure(email, user, caller, 'account locked');
      throw accountLocked(secondsUntil(user.lockedUntil, now));
    }
    const passwordOk = await this.hasher.verify(user.passwordHash, body.password);
    if (!passwordOk || user.disabled) {
      if (!passwordOk) await this.users.registerFailedLogin(user.id, this.config.loginMaxFailures, new Date(now.getTime() + this.config.loginLockMs));
      throw await this.failed(email, user, caller, passwordOk ? 'user disabled' : 'wrong password');
    }
    await this.users.registerLogin(user.id, now);
    await this.attempts.record(email, caller.ip, true, now);
    await this.audit.record({ actor: { type: 'user', id: user.id, name: user.email }, action: 'auth.login', target: { type: 'user', id: user.id }, ip: caller.ip, requestId: caller.requestId });
    return this.signIn((await this.users.findById(user.id)) ?? user, caller, userAgent);
  }

  async logout(caller: CallerMeta): Promise<void> {
    const principal = requireSessionUser(caller);
    await this.sessions.revoke(principal.sessionId);
    await this.audit.record({ actor: caller.actor, action: 'auth.logout', target: { type: 'user', id: principal.id }, ip: caller.ip, requestId: caller.requestId });
  }

  /** Checks the current password, sets the new one and ends the user's other sessions. */
  async changePassword(body: ChangePasswordRequest, caller: CallerMeta): Promise<void> {
    const principal = requireSessionUser(caller);
    const user = await this.users.findById(principal.id);
    if (!user) throw notSignedIn();
    const now = this.clock.now();
    // Wrong current passwords count like failed sign-ins, so a borrowed session cannot guess it.
    if (user.lockedUntil && user.lockedUntil > now) throw accountLocked(secondsUntil(user.lockedUntil, now));
    if (!(await this.hasher.verify(user.passwordHash, body.currentPassword))) {
      await this.users.registerFailedLogin(user.id, this.config.loginMaxFailures, new Date(now.getTime() + this.config.loginLockMs));
      throw new DomainError('VALIDATION_FAILED', 'The current password is wrong.', [{ field: 'currentPassword', message: 'is wrong' }]);
    }
    this.hasher.assertAcceptable(body.newPassword, user.email);
    if (body.newPassword === body.currentPassword) throw new DomainError('PASSWORD_TOO_WEAK', 'The new password must differ from the current one.', [{ field: 'newPassword', message: 'same as the current password' }]);
    await this.users.setPassword(user.id, await this.hasher.hash(body.newPassword), this.clock.now());
    const ended = await this.sessions.revokeAllOfUser(user.id, principal.sessionId);
    await this.audit.record({
      actor: caller.actor,
      action: 'auth.password_change',
      target: { type: 'user', id: user.id },
      ip: caller.ip,
      requestId: caller.requestId,
      details: { otherSessionsEnded: ended },
    });
  }

  private async signIn(user: UserEntity, caller: CallerMeta, userAgent: string): Promise<SignedIn> {
    const session = await this.sessions.issue(user.id, caller.ip, userAgent);
    return { session, dto: { user: await this.userViews.toDto(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() } };
  }

  private async failed(email: string, user: UserEntity | null, caller: CallerMeta, reason: string): Promise<DomainError> {
    await this.attempts.record(email, caller.ip, false, this.clock.now());
    await this.recordFailure(email, user, caller, reason);
    return loginFailed();
  }

  private recordFailure(email: string, user: UserEntity | null, caller: CallerMeta, reason: string): Promise<void> {
    return this.audit.record({
      actor: { type: 'anonymous', id: null, name: '' },
      action: 'auth.login_failed',
      target: user ? { type: 'user', id: user.id } : null,
      ip: caller.ip,
      requestId: caller.requestId,
      details: { email, reason },
    });
  }
}

function requireSessionUser(caller: CallerMeta): UserPrincipal {
  if (caller.principal?.kind !== 'user') throw notSignedIn();
  return caller.principal;
}

function secondsUntil(at: Date, now: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}
