import type { EntityManager } from 'typeorm';
import { dialectOf } from '../../database/sql-dialect.js';
import { LeaseLostError } from './leader-duty.js';

export interface FenceToken {
  nodeId: string;
  epoch: string;
}

/**
 * The fence every leader-only write transaction starts with: the lease row must still name
 * this node and epoch, and be live. Its share lock makes a takeover (which must update that row)
 * wait for the transaction, and makes the old leader's later transactions fail this check. (SQLite
 * needs no lock: its write transactions, a takeover's included, run one at a time.)
 */
export async function assertLeaseHeld(m: EntityManager, term: FenceToken): Promise<void> {
  const sql = dialectOf(m);
  const rows = await m.query(`SELECT 1 AS ok FROM scheduler_lease WHERE name = 'leader' AND holder = ? AND epoch = ? AND expires_at > ${sql.now()}${sql.forShare()}`, [
    term.nodeId,
    term.epoch,
  ]);
  if (rows.length === 0) throw new LeaseLostError(term.epoch);
}
