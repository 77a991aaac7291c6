import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { DatabaseInfo, withBoundedLeaseLocks } from '../../database/database-info.js';
import { dialectOf } from '../../database/sql-dialect.js';
import { JobEntity } from '../jobs/job.entity.js';
import { RunEntity } from '../runs/run.entity.js';
import type { FirePlan } from './fire-planner.js';
import { assertLeaseHeld } from './lease-fence.js';

export interface JobFirePlan {
  job: JobEntity;
  plan: FirePlan;
}

export interface CommitResult {
  /** Jobs whose plan was applied; the others changed since they were read and are re-read next tick. */
  committedJobs: number;
  insertedRuns: number;
  /** The plans of those jobs, whose fires were inserted. */
  applied: JobFirePlan[];
  /** The SKIPPED runs this commit inserted (misfire SKIP, an unevaluable schedule): runs that ended at birth. */
  skippedRuns: RunEntity[];
}

const RUN_COLUMNS = [
  'job_id',
  'app_id',
  'trigger_type',
  'status',
  'status_reason',
  'scheduled_at',
  'fire_time',
  'params',
  'planned_epoch',
  'finished_at',
  'created_at',
  'updated_at',
] as const;
/** Rows per INSERT statement, well under MySQL's 65,535 placeholders. */
const INSERT_CHUNK = 1_000;

@Injectable()
export class TriggerRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly info: DatabaseInfo,
    private readonly config: AppConfig,
  ) {}

  /** Jobs with a fire due by `horizon`, earliest first. Disabled jobs have no next fire, so they never show. */
  findDue(horizon: Date, limit: number): Promise<JobEntity[]> {
    return this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .where('j.next_fire_at <= :horizon', { horizon })
      .andWhere('j.enabled = 1')
      .orderBy('j.next_fire_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * The trigger transaction. It first re-reads the lease under a share lock: if this node is no
   * longer the holder of `epoch` (or the lease ran out) nothing is written and LeaseLostError is
   * thrown. A takeover must update that row, so it waits for this transaction, and after it this
   * node's next transaction fails the check: a paused old leader can never commit a fire.
   * Each job advances only if unchanged since it was read (same version and next fire), and its
   * runs are inserted in the same transaction, so a fire is never lost between the two. The
   * unique (job, fire_time, shard) key makes a second insert of a fire a no-op.
   */
  commit(term: { nodeId: string; epoch: string }, plans: JobFirePlan[], now: Date): Promise<CommitResult> {
    return this.dataSource.transaction((m) =>
      withBoundedLeaseLocks(m, this.info, this.config.leaderLeaseTtlMs / 3000, async () => {
        await assertLeaseHeld(m, term);
        const applied: JobFirePlan[] = [];
        for (const p of plans) if (await advanceJob(m, p, now)) applied.push(p);
        const rows = applied.flatMap((p) => runRows(p, term.epoch, now));
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) await insertRuns(m, rows.slice(i, i + INSERT_CHUNK));
        const skippedRuns = await insertedSkips(m, applied, now);
        return { committedJobs: applied.length, insertedRuns: rows.length, applied, skippedRuns };
      }),
    );
  }
}

/**
 * The SKIPPED rows this transaction really inserted (not no-ops on uq_runs_fire), read back so
 * the trigger loop can announce their end like any other. A row created here carries this
 * commit's `now`. No query when nothing was skipped (nearly every tick).
 */
async function insertedSkips(m: EntityManager, applied: JobFirePlan[], now: Date): Promise<RunEntity[]> {
  const byJob = applied
    .map(({ job, plan }) => ({ jobId: job.id, times: plan.fires.filter((f) => f.status === 'SKIPPED').map((f) => f.fireTime) }))
    .filter((j) => j.times.length > 0);
  if (byJob.length === 0) return [];
  const q = m.getRepository(RunEntity).createQueryBuilder('r').where("r.status = 'SKIPPED' AND r.shard_index = 0 AND r.created_at = :now", { now });
  q.andWhere(
    new Brackets((w) => {
      byJob.forEach((j, i) => {
        // One named parameter per time: TypeORM's SQLite driver converts a lone Date, not the Dates of a list.
        const times = Object.fromEntries(j.times.map((t, k) => [`time${i}_${k}`, t]));
        const list = Object.keys(times).map((name) => `:${name}`).join(', ');
        w.orWhere(`(r.job_id = :job${i} AND r.fire_time IN (${list}))`, { [`job${i}`]: j.jobId, ...times });
      });
    }),
  );
  return q.getMany();
}

async function advanceJob(m: EntityManager, { job, plan }: JobFirePlan, now: Date): Promise<boolean> {
  const lastRun = plan.fires.filter((f) => f.status === 'SCHEDULED').at(-1)?.fireTime ?? null;
  // The scheduler's own writes do not bump the version (users' edits would conflict with every
  // fire), except when a ONCE job disables itself: that is a change a concurrent editor must see.
  const result = await m.query(
    `UPDATE jobs
        SET next_fire_at = ?, last_fire_at = COALESCE(?, last_fire_at),
            enabled = CASE WHEN ? THEN 0 ELSE enabled END, version = version + CASE WHEN ? THEN 1 ELSE 0 END,
            updated_at = CASE WHEN ? THEN ? ELSE updated_at END
      WHERE id = ? AND version = ? AND next_fire_at = ? AND enabled = 1`,
    [plan.nextFireAt, lastRun, plan.disable, plan.disable, plan.disable, now, job.id, job.version, job.nextFireAt],
  );
  return result.affectedRows === 1;
}

function runRows({ job, plan }: JobFirePlan, epoch: string, now: Date): unknown[][] {
  return plan.fires.map((f) => [
    job.id,
    job.appId,
    f.triggerType,
    f.status,
    f.reason?.slice(0, 255) ?? null,
    f.scheduledAt,
    f.fireTime,
    job.params,
    epoch,
    f.status === 'SKIPPED' ? now : null,
    now,
    now,
  ]);
}

async function insertRuns(m: EntityManager, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const tuple = `(${RUN_COLUMNS.map(() => '?').join(', ')})`;
  // Keep the existing row rather than an ignoring insert: only a collision on uq_runs_fire is skipped, other errors still fail.
  const onFireTaken = dialectOf(m).onConflictKeep(['job_id', 'fire_time', 'shard_index']);
  await m.query(`INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')} ${onFireTaken}`, rows.flat());
}
