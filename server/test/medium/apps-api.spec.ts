import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { newApp, newJob, uniqueName } from '../support/builders.js';
import { sql } from '../support/sql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ label: 'apps' });
});
afterAll(async () => {
  await server?.close();
});

async function dbRow(statement: string, params: unknown[]): Promise<any> {
  return (await sql(server.db.url, statement, params))[0];
}

describe('POST /apps', () => {
  it('creates an app, returns its token once and stores only the hash', async () => {
    const name = uniqueName('billing');
    const res = await server.api.post('/apps', { name, description: 'Orders' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name, description: 'Orders', version: 1 });
    expect(res.body.id).toMatch(/^\d+$/);
    expect(res.body.token).toMatch(/^bat_exe_[A-Za-z0-9_-]{43}$/);
    expect(res.body.token.startsWith(res.body.tokenPrefix)).toBe(true);

    const row = await dbRow('SELECT token_hash FROM apps WHERE id = ?', [res.body.id]);
    expect(row.token_hash).toBe(createHash('sha256').update(res.body.token).digest('hex'));
    const get = await server.api.get(`/apps/${name}`);
    expect(get.status).toBe(200);
    expect(get.body.token).toBeUndefined();
    expect(JSON.stringify(get.body)).not.toContain(res.body.token);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'Has Upper' }, 'name'],
    [{ name: 'a'.repeat(65) }, 'name'],
    [{ name: '-leading' }, 'name'],
    [{ name: 42 }, 'name'],
    [{ name: 'ok', description: 'x'.repeat(513) }, 'description'],
    [{ name: 'ok', extra: true }, 'extra'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const res = await server.api.post('/apps', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(res.body.message).toContain(field);
  });

  it('refuses a taken name with 409', async () => {
    const app = await newApp(server.api);
    const res = await server.api.post('/apps', { name: app.name });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('APP_NAME_TAKEN');
  });
});

describe('GET /apps', () => {
  it('pages with a keyset cursor, covering every app once', async () => {
    const created = await Promise.all([1, 2, 3, 4, 5].map(() => newApp(server.api)));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await server.api.get(`/apps?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((a: { id: string }) => a.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    for (const a of created) expect(seen.filter((id) => id === a.id)).toHaveLength(1);
  });

  it.each(['limit=0', 'limit=201', 'limit=abc', 'cursor=notacursor', 'bogus=1'])('rejects ?%s with 400', async (qs) => {
    const res = await server.api.get(`/apps?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /apps/:app', () => {
  it('finds an app by id and by name', async () => {
    const app = await newApp(server.api);
    expect((await server.api.get(`/apps/${app.id}`)).body.name).toBe(app.name);
    expect((await server.api.get(`/apps/${app.name}`)).body.id).toBe(app.id);
  });

  it('answers 404 APP_NOT_FOUND for an unknown app', async () => {
    for (const ref of ['99999999', 'no-such-app']) {
      const res = await server.api.get(`/apps/${ref}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('APP_NOT_FOUND');
    }
  });
});

describe('PATCH /apps/:app', () => {
  it('updates the description and bumps the version', async () => {
    const app = await newApp(server.api);
    const res = await server.api.patch(`/apps/${app.name}`, { description: 'new', version: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ description: 'new', version: 2 });
  });

  it('refuses a stale version with 409', async () => {
    const app = await newApp(server.api);
    await server.api.patch(`/apps/${app.name}`, { description: 'first', version: 1 });
    const res = await server.api.patch(`/apps/${app.name}`, { description: 'second', version: 1 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('VERSION_CONFLICT');
    expect((await server.api.get(`/apps/${app.name}`)).body.description).toBe('first');
  });

  it('rejects a rename attempt (unknown field) and bad types', async () => {
    const app = await newApp(server.api);
    expect((await server.api.patch(`/apps/${app.name}`, { name: 'x' })).status).toBe(400);
    expect((await server.api.patch(`/apps/${app.name}`, { description: 5 })).status).toBe(400);
    expect((await server.api.patch(`/apps/${app.name}`, { version: 0 })).status).toBe(400);
  });
});

describe('POST /apps/:app/rotate-token', () => {
  it('issues a new token and keeps the old one valid for the grace period', async () => {
    const app = await newApp(server.api);
    const res = await server.api.post(`/apps/${app.name}/rotate-token`, { graceMs: 60_000 });
    expect(res.status).toBe(200);
    expect(res.body.token).not.toBe(app.token);
    const row = await dbRow('SELECT token_hash, previous_token_hash, previous_token_expires_at FROM apps WHERE id = ?', [app.id]);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(row.token_hash).toBe(sha(res.body.token));
    expect(row.previous_token_hash).toBe(sha(app.token));
    expect(new Date(row.previous_token_expires_at).getTime()).toBeGreaterThan(Date.now() + 50_000);
  });

  it('with graceMs 0 revokes the old token at once', async () => {
    const app = await newApp(server.api);
    await server.api.post(`/apps/${app.name}/rotate-token`, { graceMs: 0 });
    const row = await dbRow('SELECT previous_token_hash FROM apps WHERE id = ?', [app.id]);
    expect(row.previous_token_hash).toBeNull();
  });

  it('rejects a negative grace', async () => {
    const app = await newApp(server.api);
    const res = await server.api.post(`/apps/${app.name}/rotate-token`, { graceMs: -1 });
    expect(res.status).toBe(400);
  });
});

describe('DELETE /apps/:app', () => {
  it('deletes an app without jobs', async () => {
    const app = await newApp(server.api);
    expect((await server.api.delete(`/apps/${app.name}`)).status).toBe(204);
    expect((await server.api.get(`/apps/${app.name}`)).status).toBe(404);
  });

  it('refuses while the app has jobs, and allows it once they are gone', async () => {
    const app = await newApp(server.api);
    const job = await newJob(server.api, { app: app.name });
    const res = await server.api.delete(`/apps/${app.name}`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('APP_HAS_JOBS');
    expect((await server.api.delete(`/jobs/${job.id}`)).status).toBe(204);
    expect((await server.api.delete(`/apps/${app.name}`)).status).toBe(204);
  });

  it('answers 404 for an unknown app', async () => {
    expect((await server.api.delete('/apps/nope-nope')).status).toBe(404);
  });
});
