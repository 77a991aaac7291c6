import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdentityServer, type IdentityServer } from '../support/identity-server.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
const servers: IdentityServer[] = [];
beforeAll(async () => {
  db = await createTestDatabase('http');
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await db?.drop();
});

async function boot(env: Record<string, string> = {}): Promise<IdentityServer> {
  const s = await startIdentityServer({ db, env: { BATON_ADMIN_EMAIL: 'admin@example.com', BATON_ADMIN_PASSWORD: 'admin passphrase one', ...env } });
  servers.push(s);
  return s;
}

describe('security headers and CORS', () => {
  it('sends helmet headers with a CSP the console can live with, and no CORS by default', async () => {
    const s = await boot();
    const res = await fetch(`${s.url}/api/v1/auth/state`, { headers: { origin: 'https://evil.example' } });
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${s.url}/api/v1/auth/login`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('CORS_ORIGINS opens CORS with credentials to exactly those origins; COOKIE_SECURE marks cookies Secure and adds HSTS', async () => {
    const s = await boot({ CORS_ORIGINS: 'https://console.example.com', COOKIE_SECURE: 'true' });
    const ok = await fetch(`${s.url}/api/v1/auth/state`, { headers: { origin: 'https://console.example.com' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('strict-transport-security')).toContain('max-age=');
    expect(ok.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    const other = await fetch(`${s.url}/api/v1/auth/state`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const login = await s.browser().login('admin@example.com', 'admin passphrase one');
    const cookies = login.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    for (const c of cookies) expect(c).toMatch(/; Secure/);
  });

  it('uses X-Forwarded-For for the client address only with TRUST_PROXY', async () => {
    const trusting = await boot();
    const plain = await boot({ TRUST_PROXY: 'false' });
    for (const s of [trusting, plain]) {
      await s.request('POST', '/auth/login', { body: { email: 'nobody@example.com', password: 'x' }, headers: { 'x-forwarded-for': '203.0.113.7' } });
    }
    const b = trusting.browser();
    await b.login('admin@example.com', 'admin passphrase one');
    const entries = (await b.get('/audit?action=auth.login_failed')).body.items.map((e: { ip: string }) => e.ip);
    expect(entries).toContain('203.0.113.7');
    expect(entries.filter((ip: string) => ip !== '203.0.113.7').every((ip: string) => /127\.0\.0\.1/.test(ip))).toBe(true);
    expect(entries).toHaveLength(2);
  });
});
