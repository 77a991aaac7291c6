import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunsRepository } from '../../src/modules/runs/runs.repository.js';
import { TriggersRepository, type NewTriggeredRun } from '../../src/modules/triggers/triggers.repository.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { TEST_ENGINES } from '../support/test-database.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');
let nextJob = 100;

const request = (jobId: string, over: Partial<NewTriggeredRun> = {}): NewTriggeredRun => ({
  jobId,
  appId: '1',
  triggerType: 'API',
  scheduledAt: NOW,
  shardIndex: 0,
  shardTotal: 1,
  params: null,
  idempotencyKey: null,
  ...over,
});

// The trigger API's outbox rows: idempotent by (job, key), a batch in one INSERT whose ids follow
// from the first (DatabaseInfo.consecutiveBatchIds; on SQLite insertId is the FIRST id too).
describe.each(TEST_ENGINES)('TriggersRepository on %s', (engine) => {
  let e: EngineDatabase;
  let triggers: TriggersRepository;
  let runs: RunsRepository;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'triggers_repo');
    triggers = new TriggersRepository(e.dataSource, e.info);
    runs = new RunsRepository(e.dataSource);
  });
  afterAll(async () => e?.close());
  const job = () => String(nextJob++);

  it('gives a batch of N requests N distinct ids, in request order, each row carrying its own request', async () => {
    const jobId = job();
    const n = 50;
    const results = await triggers.insertMany(
      Array.from({ length: n }, (_, i) => request(jobId, { params: JSON.stringify({ i }), scheduledAt: new Date(NOW.getTime() + i), shardIndex: i % 3, shardTotal: 3 })),
      NOW,
    );
    expect(results.every((r) => r.kind === 'created')).toBe(true);
    const ids = results.map((r) => r.run.id);
    expect(new Set(ids).size).toBe(n);
    expect(ids.every((id) => typeof id === 'string' && /^\d+$/.test(id))).toBe(true);
    expect([...ids].sort((a, b) => Number(a) - Number(b))).toEqual(ids);
    for (const [i, r] of results.entries()) {
      expect(JSON.parse(r.run.params!)).toEqual({ i });
      expect(r.run.scheduledAt.getTime()).toBe(NOW.getTime() + i);
      expect(r.run.shardIndex).toBe(i % 3);
      const stored = await runs.findById(r.run.id);
      expect(stored!.params).toBe(JSON.stringify({ i }));
    }
  });

  it('keeps batches that run at the same time apart', async () => {
    const jobId = job();
    const batch = (tag: string) => Array.from({ length: 20 }, (_, i) => request(jobId, { params: JSON.stringify({ tag, i }) }));
    const [a, b] = await Promise.all([triggers.insertMany(batch('a'), NOW), triggers.insertMany(batch('b'), NOW)]);
    for (const [tag, results] of [['a', a], ['b', b]] as const) {
      for (const [i, r] of results.entries()) expect((await runs.findById(r.run.id))!.params).toBe(JSON.stringify({ tag, i }));
    }
    expect(new Set([...a, ...b].map((r) => r.run.id)).size).toBe(40);
  });

  it('returns the same run for the same key, whatever its case, and a new one for another job', async () => {
    const jobId = job();
    const [first] = await triggers.insertMany([request(jobId, { idempotencyKey: 'order-42', params: '{"a":1}' })], NOW);
    const [again] = await triggers.insertMany([request(jobId, { idempotencyKey: 'order-42', params: '{"a":2}' })], NOW);
    const [shouted] = await triggers.insertMany([request(jobId, { idempotencyKey: 'ORDER-42' })], NOW);
    const [elsewhere] = await triggers.insertMany([request(job(), { idempotencyKey: 'order-42' })], NOW);
    expect(first!.kind).toBe('created');
    expect(again).toEqual({ kind: 'existing', run: first!.run });
    expect(shouted).toMatchObject({ kind: 'existing', run: { id: first!.run.id } });
    expect(elsewhere!.kind).toBe('created');
    expect(elsewhere!.run.id).not.toBe(first!.run.id);
  });

  it('settles keys repeated within a batch and keys used before it', async () => {
    const jobId = job();
    const [old] = await triggers.insertMany([request(jobId, { idempotencyKey: 'old' })], NOW);
    const results = await triggers.insertMany(
      [request(jobId, { idempotencyKey: 'new' }), request(jobId, { idempotencyKey: 'NEW' }), request(jobId, { idempotencyKey: 'old' }), request(jobId)],
      NOW,
    );
    expect(results.map((r) => r.kind)).toEqual(['created', 'existing', 'existing', 'created']);
    expect(results[1]!.run.id).toBe(results[0]!.run.id);
    expect(results[2]!.run.id).toBe(old!.run.id);
    const count = await e.dataSource.query('SELECT COUNT(*) AS n FROM runs WHERE job_id = ?', [jobId]);
    expect(Number(count[0].n)).toBe(3);
  });

  it('creates one run when the same key is sent many times at once', async () => {
    const jobId = job();
    const results = await Promise.all(Array.from({ length: 8 }, () => triggers.insertMany([request(jobId, { idempotencyKey: 'burst' })], NOW)));
    const runIds = new Set(results.map(([r]) => r!.run.id));
    expect(runIds.size).toBe(1);
    expect(results.filter(([r]) => r!.kind === 'created')).toHaveLength(1);
  });

  it('takes 1,000 keyed requests in one call', async () => {
    const jobId = job();
    const results = await triggers.insertMany(Array.from({ length: 1_000 }, (_, i) => request(jobId, { idempotencyKey: `bulk-${i}` })), NOW);
    expect(new Set(results.map((r) => r.run.id)).size).toBe(1_000);
    const again = await triggers.insertMany(Array.from({ length: 1_000 }, (_, i) => request(jobId, { idempotencyKey: `bulk-${i}` })), NOW);
    expect(again.map((r) => r.run.id)).toEqual(results.map((r) => r.run.id));
    expect(again.every((r) => r.kind === 'existing')).toBe(true);
  });

  it('keeps runAt to the millisecond and cancels a triggered run only while it waits', async () => {
    const runAt = new Date('2026-11-21T10:30:00.457Z');
    const [result] = await triggers.insertMany([request(job(), { scheduledAt: runAt })], NOW);
    const id = result!.run.id;
    expect((await runs.findById(id))!.scheduledAt.toISOString()).toBe(runAt.toISOString());
    expect(await runs.cancelScheduled(id, 'cancelled by caller', NOW)).toBe(true);
    expect(await runs.cancelScheduled(id, 'cancelled by caller', NOW)).toBe(false);
    expect((await runs.findById(id))!.status).toBe('CANCELLED');
  });
});
