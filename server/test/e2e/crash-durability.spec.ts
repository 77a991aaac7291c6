import { afterAll, describe, expect, it } from 'vitest';
import type { RunDto, TriggerBatchResponse } from '@baton/protocol';
import { uniqueName } from '../support/builders.js';
import { stopAll } from '../support/child-process.js';
import { FAST_CLUSTER_ENV } from '../support/e2e-env.js';
import { waitFor } from '../support/poll.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from '../support/test-database.js';

// "A crash at any moment loses no accepted run": the server is SIGKILLed while batches of
// triggers are in flight; every run it answered 202 for must be there after the restart, and
// every idempotency key must still name its run.
const procs: ServerProcess[] = [];
const dbs: TestDatabase[] = [];
afterAll(async () => {
  await stopAll(procs);
  for (const db of dbs) await db.drop();
});

const BATCH = 50;
const WORKERS = 4;

describe.each(TEST_ENGINES)('SIGKILL under a stream of triggers on %s', (engine) => {
  it('loses no run it accepted, and keeps every idempotency key', { timeout: 60_000 }, async () => {
    const db = await createTestDatabase('crash', engine);
    dbs.push(db);
    const start = async (nodeId: string) => {
      const node = await startServerProcess({ databaseUrl: db.url, nodeId, env: { ...FAST_CLUSTER_ENV } });
      procs.push(node);
      return node;
    };
    const first = await start('crash-1');
    const app = (await first.api.post('/apps', { name: uniqueName('app') })).body;
    expect((await first.api.post('/jobs', { app: app.name, name: 'close-order', handler: 'order.close', schedule: { type: 'NONE' } })).status).toBe(201);
    await first.api.signIn();

    const accepted = new Map<string, string>(); // idempotency key → run id
    let stop = false;
    let next = 0;
    let cutOff = 0;
    const worker = async () => {
      while (!stop) {
        const keys = Array.from({ length: BATCH }, () => `order-${next++}`);
        const res = await first.api
          .post<TriggerBatchResponse>(`/jobs/${app.name}:close-order/trigger-batch`, { requests: keys.map((idempotencyKey) => ({ idempotencyKey, delay: 'PT1H' })) })
          .catch(() => null); // the kill cuts requests off mid-flight: those were never accepted
        if (res === null) cutOff++;
        if (res?.status !== 202 && res?.status !== 200) continue;
        res.body.items.forEach((item, i) => accepted.set(keys[i]!, item.run!.id));
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    await waitFor(() => accepted.size >= 1_000, { timeoutMs: 30_000, message: '1,000 accepted runs' });
    await first.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    procs.splice(procs.indexOf(first), 1);

    const second = await start('crash-2');
    const stored = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { items: RunDto[]; nextCursor: string | null } = (await second.api.get(`/runs?job=${app.name}:close-order&limit=200${cursor ? `&cursor=${cursor}` : ''}`)).body;
      for (const run of page.items) stored.add(run.id);
      cursor = page.nextCursor;
    } while (cursor);
    // The kill landed while batches were on their way (so a commit may have had no answer).
    expect(cutOff).toBeGreaterThan(0);
    const lost = [...accepted.values()].filter((id) => !stored.has(id));
    expect(lost, `${lost.length} of ${accepted.size} accepted runs lost`).toEqual([]);

    // Replaying accepted keys names the same runs (sampled across the stream).
    const sample = [...accepted].filter((_, i) => i % 97 === 0);
    const replay = await second.api.post<TriggerBatchResponse>(`/jobs/${app.name}:close-order/trigger-batch`, { requests: sample.map(([idempotencyKey]) => ({ idempotencyKey, delay: 'PT1H' })) });
    expect(replay.body.items.map((item) => [item.outcome, item.run?.id])).toEqual(sample.map(([, id]) => ['EXISTING', id]));
  });
});
