import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DatabaseInfo, withBoundedLeaseLocks } from '../../database/database-info.js';

const LEASE = 'leader';

export interface LeaseState {
  holder: string | null;
  epoch: string;
  acquiredAt: Date | null;
  expiresAt: Date | null;
}

export type ClaimOutcome =
  | { kind: 'renewed'; epoch: string }
  | { kind: 'acquired'; epoch: string }
  | { kind: 'held-by-other'; holder: string; epoch: string };

/**
 * The leader lease: one row, claimed and renewed under its row lock (MySQL/MariaDB) or by
 * conditional UPDATEs (SQLite, which has no row locks and runs one write transaction at a time).
 * Expiry is measured on the database's clock, so nodes whose clocks disagree still agree on when
 * a lease has run out. Safety does not rest on time at all: every trigger transaction re-reads
 * holder and epoch under a share lock of the same row (see TriggerRepository), which a takeover
 * must wait for.
 */
@Injectable()
export class LeaderLeaseRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly info: DatabaseInfo,
  ) {}

  /**
   * Renews our live lease, takes an expired or free one (with a new epoch), or reports the holder.
   * Only the process holding `heldEpoch` may renew: a live lease under our node id but another
   * epoch belongs to a previous process with this NODE_ID (restarted, or a misconfigured twin),
   * and is waited out like anyone else's.
   */
  claim(nodeId: string, ttlMs: number, heldEpoch: string | null = null): Promise<ClaimOutcome> {
    if (this.info.engine === 'sqlite') return this.dataSource.transaction((m) => claimByConditionalUpdates(m, this.info, nodeId, ttlMs, heldEpoch));
    return this.claimUnderRowLock(nodeId, ttlMs, heldEpoch);
  }

  /** MySQL/MariaDB: read the row under its lock, decide, write (tested by the failover specs). */
  private claimUnderRowLock(nodeId: string, ttlMs: number, heldEpoch: string | null): Promise<ClaimOutcome> {
    return this.dataSource.transaction((m) => withBoundedLeaseLocks(m, this.info, ttlMs / 3000, async () => {
      const rows: Array<{ holder: string | null; epoch: string; live: number }> = await m.query(
        'SELECT holder, epoch, (expires_at IS NOT NULL AND expires_at > NOW(3)) AS live FROM scheduler_lease WHERE name = ? FOR UPDATE',
        [LEASE],
      );
      const row = rows[0];
      if (!row) throw new Error('scheduler_lease has no leader row; the schema was not applied completely');
      const expiresAt = 'DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)';
      if (row.holder === nodeId && Number(row.live) === 1 && String(row.epoch) === heldEpoch) {
        await m.query(`UPDATE scheduler_lease SET expires_at = ${expiresAt} WHERE name = ?`, [ttlMs * 1000, LEASE]);
        return { kind: 'renewed', epoch: String(row.epoch) };
      }
      if (row.holder !== null && Number(row.live) === 1) return { kind: 'held-by-other', holder: row.holder, epoch: String(row.epoch) };
      // Free or expired (even if it was ours): a new term, so duties of the old one cannot mix in.
      await m.query(`UPDATE scheduler_lease SET holder = ?, epoch = epoch + 1, acquired_at = NOW(3), expires_at = ${expiresAt} WHERE name = ?`, [nodeId, ttlMs * 1000, LEASE]);
      return { kind: 'acquired', epoch: (BigInt(row.epoch) + 1n).toString() };
    }));
  }

  /** Gives the lease up at once (graceful shutdown), only if it is still ours in that term. */
  async release(nodeId: string, epoch: string): Promise<boolean> {
    const result = await this.dataSource.query('UPDATE scheduler_lease SET holder = NULL, expires_at = NULL WHERE name = ? AND holder = ? AND epoch = ?', [LEASE, nodeId, epoch]);
    return result.affectedRows > 0;
  }

  async read(): Promise<LeaseState & { now: Date }> {
    const rows = await this.dataSource.query(`SELECT holder, epoch, acquired_at, expires_at, ${this.info.sql.now()} AS now FROM scheduler_lease WHERE name = ?`, [LEASE]);
    const r = rows[0];
    return { holder: r.holder, epoch: String(r.epoch), acquiredAt: r.acquired_at, expiresAt: r.expires_at, now: r.now };
  }
}

/**
 * SQLite: the same decisions as claimUnderRowLock, each made by the WHERE of one guarded UPDATE on
 * the database clock, then the row read back in the same (write-locked) transaction.
 */
async function claimByConditionalUpdates(m: EntityManager, info: DatabaseInfo, nodeId: string, ttlMs: number, heldEpoch: string | null): Promise<ClaimOutcome> {
  const { now, plusMs } = info.sql;
  if (heldEpoch !== null) {
    const renewed = await m.query(
      `UPDATE scheduler_lease SET expires_at = ${plusMs(now(), '?')} WHERE name = ? AND holder = ? AND epoch = ? AND expires_at > ${now()}`,
      [ttlMs, LEASE, nodeId, heldEpoch],
    );
    if (renewed.affectedRows === 1) return { kind: 'renewed', epoch: heldEpoch };
  }
  // Free or expired (even if it was ours): a new term, so duties of the old one cannot mix in.
  const acquired = await m.query(
    `UPDATE scheduler_lease SET holder = ?, epoch = epoch + 1, acquired_at = ${now()}, expires_at = ${plusMs(now(), '?')}
      WHERE name = ? AND (holder IS NULL OR expires_at IS NULL OR expires_at <= ${now()})`,
    [nodeId, ttlMs, LEASE],
  );
  const rows: Array<{ holder: string | null; epoch: string }> = await m.query('SELECT holder, epoch FROM scheduler_lease WHERE name = ?', [LEASE]);
  const row = rows[0];
  if (!row) throw new Error('scheduler_lease has no leader row; the schema was not applied completely');
  if (acquired.affectedRows === 1) return { kind: 'acquired', epoch: String(row.epoch) };
  return { kind: 'held-by-other', holder: String(row.holder), epoch: String(row.epoch) };
}
