import { describe, expect, it } from 'vitest';
import type { UserDto } from '@baton/protocol';
import { can } from '../auth/permissions';
import { toBars } from '../features/dashboard/runs-chart';
import { canBeRetried } from '../features/runs/run-detail-page';
import { mergeChunks } from '../features/runs/run-log';
import { en } from '../i18n/en';
import { format, initialLanguage, LANGUAGE_STORAGE_KEY, translator } from '../i18n/i18n';
import { zh } from '../i18n/zh';

const user = (role: UserDto['role'], apps: string[] = []): UserDto => ({
  id: '1',
  email: 'u@example.com',
  displayName: 'U',
  role,
  disabled: false,
  apps: apps.map((name, i) => ({ id: String(i + 10), name })),
  lockedUntil: null,
  lastLoginAt: null,
  passwordChangedAt: '',
  version: 1,
  createdAt: '',
  updatedAt: '',
});

describe('permissions', () => {
  it('mirror the server roles', () => {
    expect(can(null, 'read')).toBe(false);
    expect(can(user('admin'), 'admin')).toBe(true);
    expect(can(user('operator', ['billing']), 'manage', '10')).toBe(true);
    expect(can(user('operator', ['billing']), 'manage', '99')).toBe(false);
    expect(can(user('operator', ['billing']), 'admin')).toBe(false);
    expect(can(user('viewer', ['billing']), 'read', '10')).toBe(true);
    expect(can(user('viewer', ['billing']), 'trigger', '10')).toBe(false);
    expect(can(user('viewer', ['billing']), 'manage')).toBe(false);
  });
});

describe('i18n', () => {
  it('has every English key in Chinese, none left empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    expect(Object.entries(zh).filter(([, v]) => !v.trim())).toEqual([]);
  });
  it('fills placeholders', () => {
    expect(format('Run #{id} of {job}', { id: 7, job: 'a:b' })).toBe('Run #7 of a:b');
    expect(format('{missing}', {})).toBe('{missing}');
    expect(translator('zh-CN')('run.title', { id: 3 })).toBe('运行 #3');
  });
  it('remembers the language per browser', () => {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, 'zh-CN');
    expect(initialLanguage()).toBe('zh-CN');
    localStorage.setItem(LANGUAGE_STORAGE_KEY, 'klingon');
    expect(initialLanguage()).toBe('en');
  });
});

describe('live log merge', () => {
  const chunk = (seq: number) => ({ seq, lines: [{ at: '2026-01-01T00:00:00Z', level: 'info' as const, message: `line ${seq}` }] });
  it('appends new chunks in order and drops ones already shown', () => {
    const known = [chunk(1), chunk(2)];
    expect(mergeChunks(known, [chunk(2), chunk(4), chunk(3)]).map((c) => c.seq)).toEqual([1, 2, 3, 4]);
    expect(mergeChunks(known, [chunk(1)])).toBe(known);
  });
});

describe('run helpers', () => {
  it('offer retry for dead and failed runs only', () => {
    expect(canBeRetried({ status: 'FAILED', dead: true })).toBe(true);
    expect(canBeRetried({ status: 'CANCELLED', dead: false })).toBe(true);
    expect(canBeRetried({ status: 'SUCCEEDED', dead: false })).toBe(false);
    expect(canBeRetried({ status: 'SKIPPED', dead: false })).toBe(false);
  });
  it('chart failed as failed + timed out + lost', () => {
    const p = { at: 'x', succeeded: 5, failed: 1, timedOut: 2, lost: 3, cancelled: 1, skipped: 1, runs: 13, avgDurationMs: null, maxDurationMs: null };
    expect(toBars([p])).toEqual([{ at: 'x', succeeded: 5, failed: 6, other: 2 }]);
  });
});
