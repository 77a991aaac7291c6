import type { DataSource } from 'typeorm';

/** Columns a contract spec may set on a staged run row; the rest take a plain SCHEDULED run's values. */
export interface RunRow {
  jobId?: string;
  appId?: string;
  triggerType?: string;
  status?: string;
  scheduledAt?: Date;
  fireTime?: Date | null;
  attempt?: number;
  rootRunId?: string | null;
  executorId?: string | null;
  leaseUntil?: Date | null;
  dispatchedAt?: Date | null;
  ackedAt?: Date | null;
  startedAt?: Date | null;
  killRequestedAt?: Date | null;
  progress?: number | null;
  dead?: boolean;
  idempotencyKey?: string | null;
  plannedEpoch?: string | null;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Inserts one run row directly (portable SQL) and returns its id, as a string. */
export async function insertRun(ds: DataSource, row: RunRow = {}): Promise<string> {
  const at = new Date();
  const values: Record<string, unknown> = {
    jobId: '1',
    appId: '1',
    triggerType: 'API',
    status: 'SCHEDULED',
    scheduledAt: at,
    createdAt: at,
    updatedAt: at,
    ...row,
  };
  if (typeof values.dead === 'boolean') values.dead = values.dead ? 1 : 0;
  const names = Object.keys(values);
  const result = await ds.query(`INSERT INTO runs (${names.map(snake).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, Object.values(values));
  return String(result.insertId);
}

/** One run row's columns as the raw statement returns them (times as Dates, ids as strings on both engines). */
export async function runRow(ds: DataSource, id: string): Promise<Record<string, any>> {
  const rows = await ds.query('SELECT * FROM runs WHERE id = ?', [id]);
  return rows[0];
}

/** Inserts one job row of app 1 directly (portable SQL) and returns its id, as a string. */
export async function insertJob(ds: DataSource, job: { name: string; scheduleType?: string; timeoutMs?: number }): Promise<string> {
  const at = new Date();
  const result = await ds.query(
    `INSERT INTO jobs (app_id, name, handler, schedule_type, timezone, misfire_policy, misfire_threshold_ms, catch_up_limit, route_strategy, block_strategy,
       timeout_ms, retry_backoff, retry_delay_ms, retry_max_delay_ms, retry_on, created_at, updated_at)
     VALUES (1, ?, 'h', ?, 'UTC', 'SKIP', 0, 0, 'FIRST', 'PARALLEL', ?, 'FIXED', 0, 0, 'FAILED', ?, ?)`,
    [job.name, job.scheduleType ?? 'NONE', job.timeoutMs ?? 0, at, at],
  );
  return String(result.insertId);
}
