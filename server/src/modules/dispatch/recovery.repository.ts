import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dialectOf } from '../../database/sql-dialect.js';
import { RunEntity } from '../runs/run.entity.js';
import { fromList } from '../runs/run-status.js';
import { assertLeaseHeld, type FenceToken } from '../scheduler/lease-fence.js';

export interface TimedOutRun {
  run: RunEntity;
  timeoutMs: number;
}

/** The recoverer's SQL: runs whose lease expired, kills past their grace, runs past their timeout. */
@Injectable()
export class RecoveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Active runs whose lease passed (index idx_runs_lease). */
  expiredLeases(now: Date, limit: number): Promise<RunEntity[]> {
    return this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .where("r.status IN ('DISPATCHED', 'RUNNING') AND r.lease_until < :now", { now })
      .orderBy('r.lease_until', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Active runs a kill was requested for (few; found through the status index). */
  killRequested(limit: number): Promise<RunEntity[]> {
    return this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .where("r.status IN ('DISPATCHED', 'RUNNING') AND r.kill_requested_at IS NOT NULL")
      .limit(limit)
      .getMany();
  }

  /** RUNNING runs of jobs with a timeout, started longer ago than it. */
  async pastTimeout(now: Date, limit: number): Promise<TimedOutRun[]> {
    const rows = await this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .innerJoin('jobs', 'j', 'j.id = r.job_id')
      .addSelect('j.timeout_ms', 'timeout_ms')
      .where("r.status = 'RUNNING' AND j.timeout_ms > 0")
      .andWhere(`${dialectOf(this.dataSource).plusMs('r.started_at', 'j.timeout_ms')} < :now`, { now })
      .limit(limit)
      .getRawAndEntities();
    return rows.entities.map((run, i) => ({ run, timeoutMs: Number(rows.raw[i].timeout_ms) }));
  }

  /**
   * Ends an active run as LOST / CANCELLED / TIMED_OUT, fenced, only while it is still in the state
   * that justified it (`leaseExpiredBefore`: the lease is still past; i.e. no heartbeat came since).
   */
  end(term: FenceToken, runId: string, status: 'LOST' | 'CANCELLED' | 'TIMED_OUT', reason: string, now: Date, leaseExpiredBefore?: Date): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      await assertLeaseHeld(m, term);
      const lease = leaseExpiredBefore ? ' AND lease_until < ?' : '';
      const r = await m.query(
        `UPDATE runs SET status = ?, status_reason = ?, finished_at = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND status IN (${fromList(status)})${lease}`,
        [status, reason.slice(0, 255), now, now, runId, ...(leaseExpiredBefore ? [leaseExpiredBefore] : [])],
      );
      return r.affectedRows === 1;
    });
  }

  /** A dispatch whose executor never acknowledged it (e.g. the leader died mid-send) goes back to wait. */
  async requeueUnacked(term: FenceToken, runId: string, reason: string, now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      await assertLeaseHeld(m, term);
      const r = await m.query(
        "UPDATE runs SET status = 'SCHEDULED', executor_id = NULL, lease_until = NULL, status_reason = ?, updated_at = ? WHERE id = ? AND status = 'DISPATCHED' AND acked_at IS NULL AND lease_until < ?",
        [reason.slice(0, 255), now, runId, now],
      );
      return r.affectedRows === 1;
    });
  }
}
