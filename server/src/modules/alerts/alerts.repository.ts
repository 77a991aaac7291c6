import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { whereAppIn } from '../../database/app-scope-sql.js';
import type { AlertKind, AlertStatus } from '@baton/protocol';
import { dialectOf, engineOf } from '../../database/sql-dialect.js';
import { isDuplicateKey } from '../../database/sql-errors.js';
import { assertLeaseHeld, type FenceToken } from '../scheduler/lease-fence.js';
import { isSuppressed } from './alert-policy.js';
import { AlertEntity } from './alert.entity.js';

export interface NewAlert {
  channelId: string;
  kind: AlertKind;
  appId: string | null;
  jobId: string | null;
  runId: string | null;
  dedupeKey: string;
  payload: string;
}

export type RecordOutcome = 'PENDING' | 'SUPPRESSED' | 'DUPLICATE';

export interface HistoryFilter {
  jobId?: string;
  channelId?: string;
  status?: AlertStatus;
  kind?: AlertKind;
  /** The caller's apps (undefined = all). */
  appIds?: readonly string[];
}

/** Every SQL statement on the alerts table. */
@Injectable()
export class AlertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records one alert: PENDING (due now), or SUPPRESSED when an alert of the same (channel,
   * kind, app, job) went out within `suppressWindowMs`; DUPLICATE when this event already has
   * its alert on this channel (uq_alerts_dedupe), however often it is seen.
   *
   * For a job's alert the route row (job, channel) is locked FOR UPDATE first, so concurrent
   * decisions for the same job and channel (two dead runs ending on two nodes) are taken one
   * after the other and the second sees the first. The reads after that lock are plain reads
   * whose snapshot starts after it was granted. (SQLite needs no lock: its transactions run one
   * at a time.)
   */
  record(alert: NewAlert, suppressWindowMs: number, now: Date): Promise<RecordOutcome> {
    return this.dataSource.transaction(async (m) => {
      const forUpdate = dialectOf(m).forUpdate();
      if (alert.jobId && forUpdate) await m.query(`SELECT 1 FROM job_alert_channels WHERE job_id = ? AND channel_id = ?${forUpdate}`, [alert.jobId, alert.channelId]);
      const dup = await m.query('SELECT id FROM alerts WHERE channel_id = ? AND dedupe_key = ?', [alert.channelId, alert.dedupeKey]);
      if (dup.length > 0) return 'DUPLICATE';
      const suppressed = suppressWindowMs > 0 && isSuppressed(await this.lastOutAt(m, alert, new Date(now.getTime() - suppressWindowMs)), suppressWindowMs, now);
      const status: RecordOutcome = suppressed ? 'SUPPRESSED' : 'PENDING';
      try {
        await m.query(
          `INSERT INTO alerts (channel_id, kind, app_id, job_id, run_id, dedupe_key, status, attempts, next_attempt_at, last_error, payload, created_at, sent_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, NULL, ?, ?, NULL)`,
          [alert.channelId, alert.kind, alert.appId, alert.jobId, alert.runId, alert.dedupeKey, status, suppressed ? null : now, alert.payload, now],
        );
      } catch (error) {
        if (isDuplicateKey(error, 'uq_alerts_dedupe')) return 'DUPLICATE';
        throw error;
      }
      return status;
    });
  }

  /** When the last alert of the same (channel, kind, app, job) that was not suppressed was recorded, if after `since` (idx_alerts_window). */
  private async lastOutAt(m: EntityManager, a: NewAlert, since: Date): Promise<Date | null> {
    const appCond = a.appId === null ? 'app_id IS NULL' : 'app_id = ?';
    const jobCond = a.jobId === null ? 'job_id IS NULL' : 'job_id = ?';
    const params = [a.channelId, a.kind, ...(a.appId === null ? [] : [a.appId]), ...(a.jobId === null ? [] : [a.jobId]), since];
    const rows: Array<{ created_at: Date }> = await m.query(
      `SELECT created_at FROM alerts
        WHERE channel_id = ? AND kind = ? AND ${appCond} AND ${jobCond} AND created_at > ? AND status <> 'SUPPRESSED'
        ORDER BY created_at DESC LIMIT 1`,
      params,
    );
    return rows[0]?.created_at ?? null;
  }

  /**
   * Claims up to `limit` PENDING alerts that are due, as the leader (fenced): their
   * next_attempt_at moves to `leaseUntil`, so neither a later pass nor another leader takes
   * them while they are being sent, and one whose sender crashed is sent again after that.
   */
  async claimDue(now: Date, limit: number, leaseUntil: Date, fence: FenceToken): Promise<AlertEntity[]> {
    // Mostly nothing is due: a plain probe first spares the lease row a share lock every pass.
    const any = await this.dataSource.query("SELECT 1 FROM alerts WHERE status = 'PENDING' AND next_attempt_at <= ? LIMIT 1", [now]);
    if (any.length === 0) return [];
    return this.dataSource.transaction(async (m) => {
      await assertLeaseHeld(m, fence);
      const q = m.getRepository(AlertEntity).createQueryBuilder('a');
      // TypeORM refuses locks on SQLite, where this transaction runs alone anyway.
      if (engineOf(m) === 'mysql') q.setLock('pessimistic_write');
      const due = await q
        .where("a.status = 'PENDING' AND a.next_attempt_at <= :now", { now })
        .orderBy('a.nextAttemptAt', 'ASC')
        .limit(limit)
        .getMany();
      if (due.length === 0) return [];
      await m.query(`UPDATE alerts SET next_attempt_at = ? WHERE id IN (${due.map(() => '?').join(',')})`, [leaseUntil, ...due.map((a) => a.id)]);
      return due;
    });
  }

  /** Delivered. Guarded by the attempt count read at the claim, so a stale sender cannot overwrite a later outcome. */
  async markSent(id: string, claimedAttempts: number, now: Date): Promise<void> {
    await this.dataSource.query(
      "UPDATE alerts SET status = 'SENT', attempts = attempts + 1, sent_at = ?, next_attempt_at = NULL, last_error = NULL WHERE id = ? AND status = 'PENDING' AND attempts = ?",
      [now, id, claimedAttempts],
    );
  }

  /** A failed attempt: PENDING again at `nextAttemptAt`, or FAILED for good. `error` must already be free of secrets. */
  async markAttemptFailed(id: string, claimedAttempts: number, next: { status: 'PENDING' | 'FAILED'; nextAttemptAt: Date | null }, error: string): Promise<void> {
    await this.dataSource.query(
      "UPDATE alerts SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'PENDING' AND attempts = ?",
      [next.status, next.nextAttemptAt, error.slice(0, 2000), id, claimedAttempts],
    );
  }

  /** Gives up without an attempt (the channel was deleted or disabled after the alert was recorded). */
  async markUndeliverable(id: string, reason: string): Promise<void> {
    await this.dataSource.query("UPDATE alerts SET status = 'FAILED', next_attempt_at = NULL, last_error = ? WHERE id = ? AND status = 'PENDING'", [reason, id]);
  }

  /**
   * History, newest first, keyset on id. A job or channel filter walks idx_alerts_job /
   * idx_alerts_channel backwards; status and kind alone walk the primary key and filter.
   */
  history(filter: HistoryFilter, beforeId: string | undefined, limit: number): Promise<AlertEntity[]> {
    const q = this.dataSource.getRepository(AlertEntity).createQueryBuilder('a').orderBy('a.id', 'DESC').limit(limit);
    if (filter.jobId) q.andWhere('a.job_id = :jobId', { jobId: filter.jobId });
    if (filter.channelId) q.andWhere('a.channel_id = :channelId', { channelId: filter.channelId });
    if (filter.status) q.andWhere('a.status = :status', { status: filter.status });
    if (filter.kind) q.andWhere('a.kind = :kind', { kind: filter.kind });
    whereAppIn(q, 'a.app_id', filter.appIds);
    if (beforeId) q.andWhere('a.id < :beforeId', { beforeId });
    return q.getMany();
  }
}
