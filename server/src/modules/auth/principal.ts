import type { ApiKeyScope, UserRole } from '@baton/protocol';
import { DomainError } from '../../common/errors/domain-error.js';

/** What a route asks of the caller on an app. */
export type AppAction = 'read' | 'trigger' | 'manage';

/** A signed-in console user (session cookie). */
export interface UserPrincipal {
  kind: 'user';
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  /** Apps granted to an operator or viewer; ignored for admins. */
  appIds: ReadonlySet<string>;
  sessionId: string;
}

/** A service calling with `Authorization: Bearer <api key>`. */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  id: string;
  name: string;
  prefix: string;
  scopes: ReadonlySet<ApiKeyScope>;
  allApps: boolean;
  appIds: ReadonlySet<string>;
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

/** The apps a caller may act on: every app, or a fixed set (possibly empty). */
export type AppScope = { readonly all: true } | { readonly all: false; readonly appIds: readonly string[] };

export const ALL_APPS: AppScope = { all: true };

export function isAdmin(p: Principal): boolean {
  return p.kind === 'user' && p.role === 'admin';
}

/** Whether the caller's role or scopes include the action at all (on some app). */
export function hasAction(p: Principal, action: AppAction): boolean {
  if (p.kind === 'api_key') return p.scopes.has(action);
  if (p.role === 'admin' || p.role === 'operator') return true;
  return action === 'read';
}

/** The apps on which the caller may perform the action. */
export function appScopeFor(p: Principal, action: AppAction): AppScope {
  if (!hasAction(p, action)) return { all: false, appIds: [] };
  if (isAdmin(p) || (p.kind === 'api_key' && p.allApps)) return ALL_APPS;
  return { all: false, appIds: [...p.appIds] };
}

export function can(p: Principal, action: AppAction, appId: string): boolean {
  const scope = appScopeFor(p, action);
  return scope.all || scope.appIds.includes(appId);
}

/** Who did something, for the audit log. */
export interface Actor {
  type: 'user' | 'api_key' | 'system' | 'anonymous';
  id: string | null;
  name: string;
}

export function actorOf(p: Principal | null): Actor {
  if (p === null) return { type: 'anonymous', id: null, name: '' };
  if (p.kind === 'user') return { type: 'user', id: p.id, name: p.email };
  return { type: 'api_key', id: p.id, name: `${p.name} (${p.prefix}…)` };
}

/** The app filter a list applies for the caller: undefined = every app; otherwise only these (possibly none). */
export function visibleAppIds(scope: AppScope): readonly string[] | undefined {
  return scope.all ? undefined : scope.appIds;
}

export function inScope(scope: AppScope, appId: string): boolean {
  return scope.all || scope.appIds.includes(appId);
}

/** Refuses a filter that names an app outside the caller's scope. */
export function assertInScope(scope: AppScope, appId: string, what: string): void {
  if (!inScope(scope, appId)) throw new DomainError('FORBIDDEN', `You may not see ${what}: its app is not among the apps you may read.`);
}
