import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The demo's seeding ships compiled with the SDK's examples (`npm run build`, which `npm test` runs first).
import { seedDemo } from '../../../executor-sdk/dist/examples/demo-seed.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const admin = { email: 'admin@demo.test', password: 'demo-seed-password-1' };
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ label: 'demoseed', env: { BATON_ADMIN_EMAIL: admin.email, BATON_ADMIN_PASSWORD: admin.password } });
});
afterAll(async () => server?.close());

describe('demo seeding (npm run demo and the compose bootstrap)', () => {
  it('creates the app and its sample jobs, then leaves existing jobs alone and keeps or rotates the token', async () => {
    const first = await seedDemo({ url: server.url, app: 'demo', admin });
    expect(first.tokenSource).toBe('created');
    expect(first.token).toMatch(/\S{16,}/);
    expect(first.createdJobs).toEqual(['demo:report', 'demo:hello-every-10s', 'demo:progress', 'demo:flaky']);
    expect(first.existingJobs).toEqual([]);

    const progress = await server.api.get('/jobs/demo:progress');
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ schedule: { type: 'FIXED_RATE' }, children: [{ job: 'demo:report', on: 'SUCCESS' }], enabled: true });
    const cron = await server.api.get('/jobs/demo:hello-every-10s');
    expect(cron.body.nextFireAt).not.toBeNull();
    // The first cron fire is at most 10 s away, so a first visit to the console soon shows runs.
    expect(Date.parse(cron.body.nextFireAt) - Date.now()).toBeLessThanOrEqual(10_000);
    expect((await server.api.get('/jobs/demo:flaky')).body.retry).toMatchObject({ maxAttempts: 3 });

    const kept = await seedDemo({ url: server.url, app: 'demo', admin, knownToken: first.token });
    expect(kept).toMatchObject({ tokenSource: 'known', token: first.token, createdJobs: [] });
    expect(kept.existingJobs).toHaveLength(4);

    const rotated = await seedDemo({ url: server.url, app: 'demo', admin });
    expect(rotated.tokenSource).toBe('rotated');
    expect(rotated.token).not.toBe(first.token);
    const { tokenPrefix } = (await server.api.get('/apps/demo')).body;
    expect(rotated.token.startsWith(tokenPrefix)).toBe(true);
    expect(first.token.startsWith(tokenPrefix)).toBe(false);
  });
});
