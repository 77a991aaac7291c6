import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/common/redact-secrets.js';
import { parseCookies } from '../../../src/modules/auth/cookies.js';

describe('redactSecrets', () => {
  it.each([
    ['password', true],
    ['newPassword', true],
    ['token', true],
    ['csrfToken', true],
    ['key', true],
    ['apiKey', true],
    ['api_key', true],
    ['keyHash', true],
    ['client-secret', true],
    ['Authorization', true],
    ['cookie', true],
    ['email', false],
    ['name', false],
    ['prefix', false],
    ['scopes', false],
    ['revokedKeys', false],
  ])('%s redacted: %s', (key, redacted) => {
    const out = redactSecrets({ [key]: 'v' }) as Record<string, unknown>;
    expect(out[key] === '[redacted]').toBe(redacted);
  });

  it('walks nested objects and arrays without changing the input', () => {
    const input = { user: { email: 'a@b.c', password: 'p' }, list: [{ token: 't', id: 1 }], n: 3, none: null };
    expect(redactSecrets(input)).toEqual({ user: { email: 'a@b.c', password: '[redacted]' }, list: [{ token: '[redacted]', id: 1 }], n: 3, none: null });
    expect(input.user.password).toBe('p');
  });
});

describe('parseCookies', () => {
  it.each([
    [undefined, {}],
    ['', {}],
    ['a=1', { a: '1' }],
    ['a=1; b=two%20words', { a: '1', b: 'two words' }],
    ['a=1; a=2', { a: '1' }],
    ['bad; =x; c="q"', { c: 'q' }],
    ['d=%E0%A4%A', { d: '%E0%A4%A' }],
  ])('%j', (header, expected) => {
    expect(Object.fromEntries(parseCookies(header))).toEqual(expected);
  });
});
