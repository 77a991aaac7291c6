import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchedulePreviewResponse } from '@baton/protocol';
// The demo's seeding ships compiled with the SDK's examples (`npm run build`, which `npm test` runs first).
import { DemoApi, seedDemo } from '../../../executor-sdk/dist/examples/demo-seed.js';
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

    // Read back as the admin too (once the API requires sign-in, anonymous reads are refused).
    const api = new DemoApi(server.url);
    await api.signIn(admin);
    const get = async (path: string) => {
      const res = await api.request('GET', path);
      expect(res.status, path).toBe(200);
      return res.json() as Promise<any>;
    };
    expect(await get('/jobs/demo:progress')).toMatchObject({ schedule: { type: 'FIXED_RATE' }, children: [{ job: 'demo:report', on: 'SUCCESS' }], enabled: true });
    const cron = await get('/jobs/demo:hello-every-10s');
    expect(cron).toMatchObject({ enabled: true, schedule: { type: 'CRON', expression: '*/10 * * * * ?' } });
    expect(cron.nextFireAt).not.toBeNull();
    // Fires every 10 s, so a first visit to the console soon shows runs (the e2e demo test waits for one).
    const preview = (await get('/jobs/demo:hello-every-10s/next-fire-times?count=3')) as SchedulePreviewResponse;
    const instants = preview.fireTimes.map((t) => Date.parse(t));
    expect(instants).toHaveLength(3);
    expect([instants[1]! - instants[0]!, instants[2]! - instants[1]!]).toEqual([10_000, 10_000]);
    expect((await get('/jobs/demo:flaky')).retry).toMatchObject({ maxAttempts: 3 });

    const kept = await seedDemo({ url: server.url, app: 'demo', admin, knownToken: first.token });
    expect(kept).toMatchObject({ tokenSource: 'known', token: first.token, createdJobs: [] });
    expect(kept.existingJobs).toHaveLength(4);

    const rotated = await seedDemo({ url: server.url, app: 'demo', admin });
    expect(rotated.tokenSource).toBe('rotated');
    expect(rotated.token).not.toBe(first.token);
    const { tokenPrefix } = await get('/apps/demo');
    expect(rotated.token.startsWith(tokenPrefix)).toBe(true);
    expect(first.token.startsWith(tokenPrefix)).toBe(false);
  });
});
