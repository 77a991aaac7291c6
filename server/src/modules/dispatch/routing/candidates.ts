import type { Candidate } from './route-strategy.js';

/**
 * The one deterministic order every strategy (and sharding) sees: registration
 * time, then instance id. Ids are compared by code unit, not locale, so two
 * servers with different ICU data agree on the order.
 */
export function orderCandidates(candidates: readonly Candidate[]): Candidate[] {
  return [...candidates].sort(compareCandidates);
}

function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.connectedAt !== b.connectedAt) return a.connectedAt - b.connectedAt;
  return compareIds(a.instanceId, b.instanceId);
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Written as `inFlight < concurrency` so a zero or broken concurrency never counts as room. */
export function hasCapacity(c: Candidate): boolean {
  return c.inFlight < c.concurrency;
}
