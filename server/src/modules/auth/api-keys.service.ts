import { Injectable } from '@nestjs/common';
import { API_KEY_SCOPES, type ApiKeyDto, type ApiKeyScope, type ApiKeyWithSecretDto, type AppRef, type CreateApiKeyRequest, type Page } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { invalidField } from '../../common/errors/domain-error.js';
import { isId } from '../../common/http/id-params.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/http/pagination.js';
import { AppsService } from '../apps/apps.service.js';
import { AuditRecorder } from '../audit/audit-recorder.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { newApiKey } from './auth-secrets.js';
import { apiKeyNotFound, forbidden, notSignedIn } from './auth.errors.js';
import type { CallerMeta } from './caller.decorators.js';
import type { UserPrincipal } from './principal.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

export const ALL_APPS_REF = '*';

/** What a key may do, resolved: for `issue`, which trusts its caller. */
export interface ApiKeySpec {
  name: string;
  scopes: ApiKeyScope[];
  /** App ids or names, or `['*']` for every app. */
  apps: string[];
  expiresAt?: Date | null;
}

/**
 * API keys. Admins create keys with any scopes for any apps (or `*`); operators only for apps
 * granted to them, never `*`, and see and revoke only their own keys. Viewers and API keys
 * cannot create keys.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersRepository,
    private readonly userViews: UsersService,
    private readonly apps: AppsService,
    private readonly audit: AuditRecorder,
    private readonly clock: Clock,
  ) {}

  async create(body: CreateApiKeyRequest, caller: CallerMeta): Promise<ApiKeyWithSecretDto> {
    const creator = requireKeyManager(caller);
    const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
    if (expiresAt && !(expiresAt > this.clock.now())) throw invalidField('expiresAt', 'must be in the future');
    const allApps = body.apps.includes(ALL_APPS_REF);
    if (allApps && body.apps.length > 1) throw invalidField('apps', 'is either ["*"] or a list of apps, not both');
    if (creator.role !== 'admin') {
      if (allApps) throw forbidden('Only admins create keys for every app ("*"); list the apps granted to you instead.');
      const appIds = await this.userViews.resolveApps(body.apps);
      const notGranted = appIds.filter((id) => !creator.appIds.has(id));
      if (notGranted.length > 0) throw forbidden('You can create keys only for apps granted to you.');
    }
    const key = await this.issue({ name: body.name, scopes: body.scopes, apps: body.apps, expiresAt }, creator.id, caller);
    return key;
  }

  /**
   * Creates a key without checking who asks (the creator's rights are the caller's business):
   * for code acting as the system, such as tests. `createdByUserId` null = made by the system.
   */
  async issue(spec: ApiKeySpec, createdByUserId: string | null, caller?: CallerMeta): Promise<ApiKeyWithSecretDto> {
    const scopes = API_KEY_SCOPES.filter((s) => spec.scopes.includes(s));
    if (scopes.length === 0) throw invalidField('scopes', `must name at least one of ${API_KEY_SCOPES.join(', ')}`);
    const allApps = spec.apps.includes(ALL_APPS_REF);
    const appIds = allApps ? [] : await this.userViews.resolveApps(spec.apps);
    if (!allApps && appIds.length === 0) throw invalidField('apps', 'must name at least one app, or be ["*"] for every app');
    const secret = newApiKey();
    const key = await this.keys.insert(
      { name: spec.name, prefix: secret.prefix, keyHash: secret.hash, scopes: scopes.join(','), allApps, createdByUserId, createdAt: this.clock.now(), expiresAt: spec.expiresAt ?? null },
      appIds,
    );
    const dto = (await this.toDtos([key]))[0]!;
    if (caller) {
      await this.record(caller, 'api_key.create', key.id, { name: key.name, prefix: key.prefix, scopes, allApps, apps: dto.apps.map((a) => a.name), expiresAt: dto.expiresAt });
    }
    return { ...dto, key: secret.value };
  }

  async list(query: { cursor?: string; limit?: number }, caller: CallerMeta): Promise<Page<ApiKeyDto>> {
    const user = requireKeyManager(caller);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.keys.list(user.role === 'admin' ? undefined : user.id, decodeCursor(query.cursor), limit + 1);
    const page = toPage(rows, limit, (k) => k);
    return { items: await this.toDtos(page.items), nextCursor: page.nextCursor };
  }

  /** Revokes the key (the row stays, for the record). Operators revoke only their own keys. */
  async revoke(id: string, caller: CallerMeta): Promise<void> {
    const user = requireKeyManager(caller);
    const key = isId(id) ? await this.keys.findById(id) : null;
    if (!key || (user.role !== 'admin' && key.createdByUserId !== user.id)) throw apiKeyNotFound(id);
    if (await this.keys.revoke(key.id, this.clock.now())) {
      await this.record(caller, 'api_key.revoke', key.id, { name: key.name, prefix: key.prefix });
    }
  }

  private async toDtos(keys: ApiKeyEntity[]): Promise<ApiKeyDto[]> {
    const appIds = await this.keys.appIdsOf(keys.map((k) => k.id));
    const names = await this.apps.namesByIds([...appIds.values()].flat());
    const creators = new Map((await this.users.findByIds([...new Set(keys.map((k) => k.createdByUserId).filter((id): id is string => id !== null))])).map((u) => [u.id, u]));
    return keys.map((k) => {
      const creator = k.createdByUserId ? creators.get(k.createdByUserId) : undefined;
      return {
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        scopes: k.scopes.split(',').filter((s) => s !== '') as ApiKeyScope[],
        allApps: k.allApps,
        apps: (appIds.get(k.id) ?? []).filter((id) => names.has(id)).map((id): AppRef => ({ id, name: names.get(id)! })),
        createdBy: creator ? { id: creator.id, email: creator.email } : null,
        createdAt: k.createdAt.toISOString(),
        expiresAt: k.expiresAt?.toISOString() ?? null,
        lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
        revokedAt: k.revokedAt?.toISOString() ?? null,
      };
    });
  }

  private record(caller: CallerMeta, action: string, keyId: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record({ actor: caller.actor, action, target: { type: 'api_key', id: keyId }, ip: caller.ip, requestId: caller.requestId, details });
  }
}

/** Signed-in admins and operators (console users; API keys cannot manage keys). */
function requireKeyManager(caller: CallerMeta): UserPrincipal {
  const p = caller.principal;
  if (!p) throw notSignedIn();
  if (p.kind !== 'user' || (p.role !== 'admin' && p.role !== 'operator')) throw forbidden('Only admins and operators manage API keys.');
  return p;
}
