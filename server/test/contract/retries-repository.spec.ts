import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RetriesRepository } from '../../src/modules/retries/retries.repository.js';
import type { RunEntity } from '../../src/modules/runs/run.entity.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { TEST_ENGINES } from '../support/test-database.js';

// The next attempt of a failed run exists once, however many times and from however many
// places it is asked for; the dead-letter mark is guarded by "no later attempt".
describe.each(TEST_ENGINES)('RetriesRepository on %s', (engine) => {
  let e: EngineDatabase;
  let retries: RetriesRepository;
  const now = new Date('2026-11-21T10:00:00.123Z');
  const due = new Date('2026-11-21T10:00:05.456Z');
  const q = (statement: string, params: unknown[] = []) => e.dataSource.query(statement, params);

  async function failedRun(status = 'FAILED'): Promise<RunEntity> {
    const res = await q(
      `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, shard_index, shard_total, attempt, params, finished_at, created_at, updated_at)
       VALUES (1, 1, 'API', ?, ?, 0, 1, 1, '{"a":1}', ?, ?, ?)`,
      [status, now, now, now, now],
    );
    return (await retries.findRun(String(res.insertId)))!;
  }
  const chain = async (root: string) =>
    (await q('SELECT id, attempt, status, dead, scheduled_at, trigger_type FROM runs WHERE id = ? OR root_run_id = ? ORDER BY attempt', [root, root])) as Array<Record<string, unknown>>;

  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'retries');
    retries = new RetriesRepository(e.dataSource);
  });
  afterAll(async () => e?.close());
  beforeEach(async () => {
    await q('DELETE FROM runs');
  });

  it('inserts attempt 2 once: the second call gets the same id back, not created', async () => {
    const first = await failedRun();
    const a = await retries.insertAttempt({ from: first, attempt: 2, dueAt: due, reason: 'retry 2' }, now);
    const b = await retries.insertAttempt({ from: first, attempt: 2, dueAt: due, reason: 'retry 2' }, now);
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
    expect(typeof a.id).toBe('string');
    const rows = await chain(first.id);
    expect(rows.map((r) => [String(r.id), Number(r.attempt), r.status, r.trigger_type])).toEqual([
      [first.id, 1, 'FAILED', 'API'],
      [a.id, 2, 'SCHEDULED', 'RETRY'],
    ]);
    const next = (await retries.findRun(a.id))!;
    expect(next).toMatchObject({ rootRunId: first.id, scheduledAt: due, params: '{"a":1}' });
  });

  it('creates one attempt when the same failure is planned concurrently', async () => {
    const first = await failedRun();
    const results = await Promise.all(Array.from({ length: 8 }, () => retries.insertAttempt({ from: first, attempt: 2, dueAt: due, reason: 'retry' }, now)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await chain(first.id)).toHaveLength(2);
  });

  it('marks a failure dead once, and not after a later attempt exists', async () => {
    const dead = await failedRun('TIMED_OUT');
    expect(await retries.markDead(dead.id, 'no retries left', now)).toBe(true);
    expect(await retries.markDead(dead.id, 'again', now)).toBe(false);
    const [row] = await q('SELECT dead, status_reason FROM runs WHERE id = ?', [dead.id]);
    expect([Number(row.dead), row.status_reason]).toEqual([1, 'dead: no retries left']);

    const retried = await failedRun();
    await retries.insertAttempt({ from: retried, attempt: 2, dueAt: due, reason: 'retry' }, now);
    expect(await retries.markDead(retried.id, 'late', now)).toBe(false);
    expect(await retries.markDead((await failedRun('SUCCEEDED')).id, 'not a failure', now)).toBe(false);
    expect((await retries.deadRuns({}, 10)).map((r) => r.id)).toEqual([dead.id]);
  });

  it("an operator's concurrent retries of one dead chain make one attempt and take it off the dead-letter list", async () => {
    const first = await failedRun();
    await retries.markDead(first.id, 'done', now);
    const results = await Promise.all(Array.from({ length: 5 }, () => retries.retryChain(first, due, (n) => `manual retry ${n}`, now)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const rows = await chain(first.id);
    expect(rows.map((r) => [Number(r.attempt), r.status, Number(r.dead)])).toEqual([
      [1, 'FAILED', 0],
      [2, 'SCHEDULED', 0],
    ]);
    expect(await retries.deadRuns({}, 10)).toEqual([]);
  });

  it('finds failures nothing followed up, and a window floor below every open run', async () => {
    const handled = await failedRun();
    await retries.insertAttempt({ from: handled, attempt: 2, dueAt: due, reason: 'retry' }, now); // SCHEDULED: open
    const unsettled = await failedRun('LOST');
    await retries.markDead((await failedRun()).id, 'dead', now);
    expect((await retries.unsettledFailures('0', 10)).map((r) => r.id)).toEqual([unsettled.id]);
    const [open] = await q("SELECT id FROM runs WHERE status = 'SCHEDULED'");
    expect(await retries.lowestOpenId(new Date(now.getTime() + 60_000))).toBe(String(open.id));
    await q("UPDATE runs SET status = 'SUCCEEDED'  WHERE status = 'SCHEDULED'");
    const [max] = await q('SELECT MAX(id) AS id FROM runs');
    expect(await retries.lowestOpenId(new Date(now.getTime() + 60_000))).toBe(String(BigInt(max.id) + 1n));
  });
});
