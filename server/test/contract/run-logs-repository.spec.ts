import type { LogLine } from '@baton/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunLogsRepository, TRUNCATION_MESSAGE } from '../../src/modules/runs/run-logs.repository.js';
import { openEngineDatabase, type EngineDatabase } from '../support/engine-database.js';
import { insertRun, runRow } from '../support/run-rows.js';
import { TEST_ENGINES } from '../support/test-database.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const lines = (prefix: string, n: number, size = 10): LogLine[] =>
  Array.from({ length: n }, (_, i) => ({ at: NOW.toISOString(), level: 'info', message: `${prefix}${i}`.padEnd(size, '.') }));

// A run's log is chunks keyed by (run, seq): executors re-send batches after a reconnect, so a
// re-sent seq must be ignored, and the per-run byte cap must hold whatever order batches come in.
describe.each(TEST_ENGINES)('RunLogsRepository on %s', (engine) => {
  let e: EngineDatabase;
  let logs: RunLogsRepository;
  beforeAll(async () => {
    e = await openEngineDatabase(engine, 'run_logs');
    logs = new RunLogsRepository(e.dataSource);
  });
  afterAll(async () => e?.close());

  it('stores batches by seq, ignores a re-sent one, and reads them in order after a cursor', async () => {
    const run = await insertRun(e.dataSource, { status: 'RUNNING' });
    expect(await logs.append(run, 2, lines('b', 2), 100_000, NOW)).toBe('stored');
    expect(await logs.append(run, 1, lines('a', 3), 100_000, NOW)).toBe('stored');
    expect(await logs.append(run, 1, lines('other', 1), 100_000, NOW)).toBe('duplicate');
    expect(await logs.append(run, 3, lines('c', 1), 100_000, NOW)).toBe('stored');

    const all = await logs.page(run, 0, 10);
    expect(all.map((c) => [c.seq, c.lines.map((l) => l.message.replace(/\.+$/, ''))])).toEqual([
      [1, ['a0', 'a1', 'a2']],
      [2, ['b0', 'b1']],
      [3, ['c0']],
    ]);
    expect((await logs.page(run, 1, 1)).map((c) => c.seq)).toEqual([2]);
    expect(await logs.page(run, 3, 10)).toEqual([]);
    const row = await runRow(e.dataSource, run);
    expect(Number(row.log_seq)).toBe(3);
    const stored = await e.dataSource.query('SELECT SUM(bytes) AS n FROM run_log_chunks WHERE run_id = ?', [run]);
    expect(Number(row.log_bytes)).toBe(Number(stored[0].n));
  });

  it('keeps what fits of the batch that crosses the cap, marks the cut, and drops later batches', async () => {
    const run = await insertRun(e.dataSource, { status: 'RUNNING' });
    const max = 1_000;
    expect(await logs.append(run, 1, lines('a', 5, 50), max, NOW)).toBe('stored');
    expect(await logs.isTruncated(run, max)).toBe(false);
    expect(await logs.append(run, 2, lines('b', 20, 50), max, NOW)).toBe('truncated');
    expect(await logs.append(run, 3, lines('c', 1), max, NOW)).toBe('dropped');
    expect(await logs.isTruncated(run, max)).toBe(true);

    const chunks = await logs.page(run, 0, 10);
    expect(chunks.map((c) => c.seq)).toEqual([1, 2]);
    const cut = chunks[1]!.lines;
    expect(cut.length).toBeGreaterThan(1);
    expect(cut.length).toBeLessThan(21);
    expect(cut.at(-1)).toMatchObject({ level: 'warn', message: TRUNCATION_MESSAGE });
    expect(Number((await runRow(e.dataSource, run)).log_bytes)).toBe(max);
  });

  it('counts every byte when batches of one run arrive concurrently', async () => {
    const run = await insertRun(e.dataSource, { status: 'RUNNING' });
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => logs.append(run, i + 1, lines(`p${i}-`, 4, 40), 1_000, NOW)));
    expect(outcomes.filter((o) => o === 'truncated')).toHaveLength(1);
    const chunks = await logs.page(run, 0, 100);
    const stored = await e.dataSource.query('SELECT SUM(bytes) AS n FROM run_log_chunks WHERE run_id = ?', [run]);
    expect(Number(stored[0].n)).toBe(1_000);
    expect(chunks).toHaveLength(outcomes.filter((o) => o !== 'dropped').length);
  });

  it('refuses lines for a run that does not exist', async () => {
    expect(await logs.append('987654', 1, lines('x', 1), 1_000, NOW)).toBe('no-run');
    expect(await logs.page('987654', 0, 10)).toEqual([]);
    expect(await logs.isTruncated('987654', 1_000)).toBe(false);
  });
});
