import { orderCandidates } from './candidates.js';
import type { Candidate } from './route-strategy.js';

export interface ShardAssignment {
  instanceId: string;
  shard: { index: number; total: number };
}

/**
 * SHARDING_BROADCAST: one shard per live instance, in the same deterministic
 * order routing uses, so a stable fleet gives each instance the same index on
 * every fire. Load is ignored on purpose: a shard belongs to its instance and
 * the dispatcher decides what to do with a busy one.
 */
export function assignShards(candidates: Candidate[]): ShardAssignment[] {
  const ordered = orderCandidates(candidates);
  return ordered.map((c, index) => ({ instanceId: c.instanceId, shard: { index, total: ordered.length } }));
}
