import type { BenchDatabase } from './database.js';

/** Rows per INSERT: about 1 MB of SQL, far below MySQL's default max_allowed_packet (16 MB); on SQLite, rows per transaction. */
const ROWS_PER_INSERT = 2_000;

/**
 * Inserts `count` copies of a job made through the API (so every column holds what the server
 * itself writes), each with its own name and first fire time. Batched inserts: a million jobs
 * take a minute, where the API would take an hour. Returns the range of new ids.
 */
export async function cloneJobs(db: BenchDatabase, templateId: string, count: number, opts: { namePrefix: string; nextFireAt(i: number): Date }): Promise<{ firstId: string; lastId: string }> {
  const [template] = await db.select<Record<string, unknown>>('SELECT * FROM jobs WHERE id = ?', [templateId]);
  if (!template) throw new Error(`job ${templateId} not found`);
  const columns = Object.keys(template).filter((c) => c !== 'id');
  const now = new Date();
  let firstId: string | undefined;
  let lastId = '';
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const batch: unknown[][] = [];
    for (let i = start; i < Math.min(count, start + ROWS_PER_INSERT); i++) {
      batch.push(columns.map((c) => {
        switch (c) {
          case 'name': return `${opts.namePrefix}${i}`;
          case 'enabled': return 1;
          case 'next_fire_at': return opts.nextFireAt(i);
          case 'last_fire_at': return null;
          case 'created_at':
          case 'updated_at': return now;
          default: return template[c];
        }
      }));
    }
    const ids = await db.insertRows('jobs', columns, batch);
    firstId ??= ids.firstId;
    lastId = ids.lastId;
  }
  return { firstId: firstId!, lastId };
}

/** Stops the copies firing (the runs they already planned still run). */
export async function disableJobs(db: BenchDatabase, range: { firstId: string; lastId: string }): Promise<void> {
  await db.write('UPDATE jobs SET enabled = 0, next_fire_at = NULL WHERE id BETWEEN ? AND ?', [range.firstId, range.lastId]);
}
