import type { AccessRule } from '../auth/route-policy.js';
import { appScopeFor, can, hasAction, type AppAction, type AppScope, type Principal } from '../auth/principal.js';

export type AccessDecision = { allowed: true; scope?: AppScope } | { allowed: false; reason: string };

/**
 * Decides a signed-in caller's access to a route. `appIds` are the apps of the resources the rule
 * names (already looked up; unknown resources are left out and answered 404 by the handler).
 */
export function decideAccess(rule: AccessRule, principal: Principal, appIds: readonly string[]): AccessDecision {
  switch (rule.kind) {
    case 'public':
    case 'signedIn':
      return { allowed: true };
    case 'roles':
      if (principal.kind === 'user' && rule.roles.includes(principal.role)) return { allowed: true };
      return { allowed: false, reason: principal.kind === 'user' ? `This needs the ${rule.roles.join(' or ')} role; you are ${principal.role}.` : 'This needs a signed-in user; API keys cannot do it.' };
    case 'anyApp':
      if (!hasAction(principal, rule.action)) return { allowed: false, reason: lacking(principal, rule.action) };
      return { allowed: true, scope: appScopeFor(principal, rule.action) };
    case 'allApps':
      if (appScopeFor(principal, rule.action).all) return { allowed: true };
      return { allowed: false, reason: `This covers every app: it needs ${rule.action} on all of them (an admin, or an API key for all apps with the "${rule.action}" scope).` };
    case 'app': {
      if (!hasAction(principal, rule.action)) return { allowed: false, reason: lacking(principal, rule.action) };
      const denied = appIds.find((appId) => !can(principal, rule.action, appId));
      if (denied !== undefined) return { allowed: false, reason: `You may not ${rule.action} app ${denied}: it is not among the apps ${principal.kind === 'user' ? 'granted to you' : 'of this API key'}.` };
      return { allowed: true };
    }
  }
}

function lacking(principal: Principal, action: AppAction): string {
  if (principal.kind === 'api_key') return `This API key lacks the "${action}" scope.`;
  return `The ${principal.role} role cannot ${action}; ask an admin for the operator role.`;
}
