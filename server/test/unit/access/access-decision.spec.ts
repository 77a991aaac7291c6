import { describe, expect, it } from 'vitest';
import type { ApiKeyScope, UserRole } from '@baton/protocol';
import { decideAccess } from '../../../src/modules/access/access-decision.js';
import { allow, param } from '../../../src/modules/auth/route-policy.js';
import type { ApiKeyPrincipal, Principal, UserPrincipal } from '../../../src/modules/auth/principal.js';

const user = (role: UserRole, apps: string[] = []): UserPrincipal => ({ kind: 'user', id: '1', email: `${role}@x`, displayName: '', role, appIds: new Set(apps), sessionId: 's' });
const key = (scopes: ApiKeyScope[], apps: string[] | '*'): ApiKeyPrincipal => ({
  kind: 'api_key',
  id: '9',
  name: 'k',
  prefix: 'bk_x',
  scopes: new Set(scopes),
  allApps: apps === '*',
  appIds: new Set(apps === '*' ? [] : apps),
});

const CALLERS: Record<string, Principal> = {
  admin: user('admin'),
  operatorA: user('operator', ['A']),
  operatorB: user('operator', ['B']),
  viewerA: user('viewer', ['A']),
  noGrants: user('operator'),
  readA: key(['read'], ['A']),
  triggerA: key(['trigger'], ['A']),
  manageA: key(['manage'], ['A']),
  readAll: key(['read'], '*'),
};

const allowed = (rule: Parameters<typeof decideAccess>[0], appIds: string[] = []) =>
  Object.entries(CALLERS)
    .filter(([, p]) => decideAccess(rule, p, appIds).allowed)
    .map(([name]) => name);

describe('decideAccess', () => {
  it.each([
    ['read on A', allow.app('read', param.job()), ['A'], ['admin', 'operatorA', 'viewerA', 'readA', 'readAll']],
    ['trigger on A', allow.app('trigger', param.job()), ['A'], ['admin', 'operatorA', 'triggerA']],
    ['manage on A', allow.app('manage', param.job()), ['A'], ['admin', 'operatorA', 'manageA']],
    ['manage on A and B (a copy across apps)', allow.app('manage', param.job()), ['A', 'B'], ['admin']],
    ['read of an unknown resource (the handler answers 404)', allow.app('read', param.run()), [], ['admin', 'operatorA', 'operatorB', 'viewerA', 'noGrants', 'readA', 'readAll']],
    ['manage of an unknown resource still needs the manage right', allow.app('manage', param.run()), [], ['admin', 'operatorA', 'operatorB', 'noGrants', 'manageA']],
    ['admin only', allow.admin(), [], ['admin']],
    ['any user role', allow.roles('admin', 'operator', 'viewer'), [], ['admin', 'operatorA', 'operatorB', 'viewerA', 'noGrants']],
    ['signed in', allow.signedIn(), [], Object.keys(CALLERS)],
    ['read on any app', allow.anyApp('read'), [], ['admin', 'operatorA', 'operatorB', 'viewerA', 'noGrants', 'readA', 'readAll']],
    ['manage on any app', allow.anyApp('manage'), [], ['admin', 'operatorA', 'operatorB', 'noGrants', 'manageA']],
    ['read on every app (metrics)', allow.allApps('read'), [], ['admin', 'readAll']],
  ] as const)('%s', (_name, rule, appIds, expected) => {
    expect(allowed(rule, [...appIds])).toEqual(expected);
  });

  it('gives list routes the caller\'s scope: every app, or exactly the granted ones', () => {
    const rule = allow.anyApp('read');
    expect(decideAccess(rule, CALLERS.admin!, [])).toEqual({ allowed: true, scope: { all: true } });
    expect(decideAccess(rule, CALLERS.readAll!, [])).toEqual({ allowed: true, scope: { all: true } });
    expect(decideAccess(rule, CALLERS.viewerA!, [])).toEqual({ allowed: true, scope: { all: false, appIds: ['A'] } });
    expect(decideAccess(rule, CALLERS.noGrants!, [])).toEqual({ allowed: true, scope: { all: false, appIds: [] } });
  });

  it('says what is missing when it refuses', () => {
    expect(decideAccess(allow.app('manage', param.job()), CALLERS.viewerA!, ['A'])).toMatchObject({ allowed: false, reason: expect.stringMatching(/viewer role cannot manage/) });
    expect(decideAccess(allow.app('trigger', param.job()), CALLERS.readA!, ['A'])).toMatchObject({ allowed: false, reason: expect.stringMatching(/lacks the "trigger" scope/) });
    expect(decideAccess(allow.app('read', param.job()), CALLERS.operatorB!, ['A'])).toMatchObject({ allowed: false, reason: expect.stringMatching(/may not read app A/) });
    expect(decideAccess(allow.admin(), CALLERS.readAll!, [])).toMatchObject({ allowed: false, reason: expect.stringMatching(/API keys cannot/) });
  });
});
