import { SetMetadata } from '@nestjs/common';
import type { UserRole } from '@baton/protocol';
import type { AppAction } from './principal.js';

/**
 * Where a route finds the app its action applies to. Resources are looked up by the guard:
 * a job key (`app:name` or id), a run id, an executor instance id, or an app id/name.
 */
export type ResourceKind = 'app' | 'job' | 'run' | 'executor';
export interface AppSource {
  in: 'param' | 'body' | 'query';
  /** Path parameter or field name. */
  name: string;
  kind: ResourceKind;
  /** Absent field = nothing to check (e.g. the optional target app of a copy). */
  optional?: boolean;
}

export type AccessRule =
  /** Anyone, signed in or not (health, login, setup). */
  | { kind: 'public' }
  /** Any signed-in user or API key. */
  | { kind: 'signedIn' }
  /** A signed-in console user with one of these roles (API keys never match). */
  | { kind: 'roles'; roles: readonly UserRole[] }
  /** The action on the app of every listed resource. */
  | { kind: 'app'; action: AppAction; sources: readonly AppSource[] }
  /**
   * The action on at least one app; the handler narrows what it touches with the caller's
   * `@CallerScope()` (lists, stats, bulk operations).
   */
  | { kind: 'anyApp'; action: AppAction }
  /** The action on every app, now and later (an admin, or an all-apps API key): cross-app views like /metrics. */
  | { kind: 'allApps'; action: AppAction };

export interface RoutePolicy {
  allow: AccessRule;
  /** Audit action (`job.update`) recorded after the handler succeeds. */
  audit?: string;
}

export const allow = {
  public: (): AccessRule => ({ kind: 'public' }),
  signedIn: (): AccessRule => ({ kind: 'signedIn' }),
  roles: (...roles: UserRole[]): AccessRule => ({ kind: 'roles', roles }),
  admin: (): AccessRule => ({ kind: 'roles', roles: ['admin'] }),
  app: (action: AppAction, ...sources: AppSource[]): AccessRule => ({ kind: 'app', action, sources }),
  anyApp: (action: AppAction): AccessRule => ({ kind: 'anyApp', action }),
  allApps: (action: AppAction): AccessRule => ({ kind: 'allApps', action }),
};

export const param = {
  app: (name = 'app'): AppSource => ({ in: 'param', name, kind: 'app' }),
  job: (name = 'job'): AppSource => ({ in: 'param', name, kind: 'job' }),
  run: (name = 'id'): AppSource => ({ in: 'param', name, kind: 'run' }),
  executor: (name = 'instanceId'): AppSource => ({ in: 'param', name, kind: 'executor' }),
};

export const body = {
  app: (name = 'app', optional = false): AppSource => ({ in: 'body', name, kind: 'app', optional }),
};

export const ROUTE_POLICIES = 'baton:route-policies';

type HandlerNames<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;

/**
 * Every route of a controller declares who may call it, in one place. The map must name every
 * public method (a missing one fails to compile); the guard refuses a route without a policy.
 */
export function RoutePolicies<T>(policies: { [K in HandlerNames<T>]: RoutePolicy }): ClassDecorator {
  return SetMetadata(ROUTE_POLICIES, policies);
}

/** The rule in words, for the permission table in docs/api.md (kept in step by a test). */
export function describeRule(rule: AccessRule): string {
  switch (rule.kind) {
    case 'public':
      return 'anyone';
    case 'signedIn':
      return 'any user or API key';
    case 'roles':
      return rule.roles.length === 1 ? `${rule.roles[0]} users` : `users: ${rule.roles.join(', ')}`;
    case 'app':
      return `\`${rule.action}\` on the app of ${rule.sources.map((s) => `${s.in === 'param' ? `:${s.name}` : `${s.in}.${s.name}`}${s.optional ? ' (if given)' : ''}`).join(' and ')}`;
    case 'anyApp':
      return `\`${rule.action}\` on some app (results narrowed to the caller's apps)`;
    case 'allApps':
      return `\`${rule.action}\` on every app (admin users, all-apps API keys)`;
  }
}
