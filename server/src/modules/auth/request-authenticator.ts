import { Injectable } from '@nestjs/common';
import { API_KEY_SCOPES, CSRF_HEADER, SESSION_COOKIE, type ApiKeyScope, type UserRole } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { hashesEqual, hashSecret } from '../../common/secrets.js';
import { AppConfig } from '../../config/app-config.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { API_KEY_PATTERN } from './auth-secrets.js';
import { csrfTokenInvalid, sessionEnded, unauthenticated } from './auth.errors.js';
import { Authenticator, type CredentialSource } from './authenticator.js';
import { parseCookies } from './cookies.js';
import type { ApiKeyPrincipal, Principal, UserPrincipal } from './principal.js';
import { SESSION_TOUCH_INTERVAL_MS } from './sessions.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';

/** api_keys.last_used_at is written at most this often per key. */
export const API_KEY_TOUCH_INTERVAL_MS = 60_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * `Authorization: Bearer <api key>` first, else the `baton_session` cookie (with the CSRF header
 * on unsafe methods). Bad credentials throw; no credentials give null.
 */
@Injectable()
export class RequestAuthenticator extends Authenticator {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
    private readonly keys: ApiKeysRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async authenticate(source: CredentialSource): Promise<Principal | null> {
    const authorization = firstHeader(source.headers.authorization);
    if (authorization !== undefined) return this.apiKeyPrincipal(authorization);
    const sessionToken = parseCookies(source.headers.cookie).get(SESSION_COOKIE);
    if (!sessionToken) return null;
    return this.userPrincipal(sessionToken, source);
  }

  private async apiKeyPrincipal(authorization: string): Promise<ApiKeyPrincipal> {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be `Bearer <api key>`.');
    const token = match[1]!;
    if (!API_KEY_PATTERN.test(token)) throw unauthenticated('Unknown API key.');
    const key = await this.keys.findByHash(hashSecret(token));
    if (!key) throw unauthenticated('Unknown API key.');
    const now = this.clock.now();
    if (key.revokedAt) throw unauthenticated(`API key ${key.prefix}… was revoked; create a new one.`);
    if (key.expiresAt && key.expiresAt <= now) throw unauthenticated(`API key ${key.prefix}… expired at ${key.expiresAt.toISOString()}; create a new one.`);
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= API_KEY_TOUCH_INTERVAL_MS) {
      await this.keys.touch(key.id, now, new Date(now.getTime() - API_KEY_TOUCH_INTERVAL_MS));
    }
    let allApps = key.allApps;
    let appIds = allApps ? [] : ((await this.keys.appIdsOf([key.id])).get(key.id) ?? []);
    let scopes = key.scopes.split(',').filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s));
    // A key never does more than its creator may do now: an operator who lost an app (or became
    // a viewer) takes it from their keys too. Disabling or deleting the creator revokes the keys.
    const creator = key.createdByUserId ? await this.users.findById(key.createdByUserId) : null;
    if (creator && creator.role !== 'admin') {
      const granted = new Set((await this.users.grantsOf([creator.id])).get(creator.id) ?? []);
      appIds = allApps ? [...granted] : appIds.filter((id) => granted.has(id));
      allApps = false;
      if (creator.role !== 'operator') scopes = scopes.filter((s) => s === 'read');
    }
    return { kind: 'api_key', id: key.id, name: key.name, prefix: key.prefix, scopes: new Set(scopes), allApps, appIds: new Set(appIds) };
  }

  private async userPrincipal(sessionToken: string, source: CredentialSource): Promise<UserPrincipal> {
    const now = this.clock.now();
    const sessionId = hashSecret(sessionToken);
    const session = await this.sessions.findLive(sessionId, now, new Date(now.getTime() - this.config.sessionIdleMs));
    if (!session) throw sessionEnded();
    const user = await this.users.findById(session.userId);
    if (!user || user.disabled) throw sessionEnded();
    if (!SAFE_METHODS.has(source.method.toUpperCase())) {
      const csrf = firstHeader(source.headers[CSRF_HEADER]);
      if (!csrf || !hashesEqual(hashSecret(csrf), session.csrfTokenHash)) throw csrfTokenInvalid();
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
      await this.sessions.touch(session.id, now, new Date(now.getTime() - SESSION_TOUCH_INTERVAL_MS));
    }
    const appIds = user.role === 'admin' ? [] : ((await this.users.grantsOf([user.id])).get(user.id) ?? []);
    return {
      kind: 'user',
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role as UserRole,
      appIds: new Set(appIds),
      sessionId: session.id,
    };
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
