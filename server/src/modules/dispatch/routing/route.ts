import { hasCapacity, orderCandidates } from './candidates.js';
import { HashRingCache, walkRing } from './hash-ring.js';
import type { Candidate, RouteDecision, RouteRequest } from './route-strategy.js';

export const NO_EXECUTOR_REASON = 'no executor of this app with the handler is online';
export const allBusyReason = (n: number) => `all ${n} executors are busy (at their concurrency limit)`;
export const busyoverReason = (n: number) => `all ${n} executors are busy (BUSYOVER waits for an idle one)`;

/** Shared by every route() call in the process; rings depend only on the id set. */
const rings = new HashRingCache();

/**
 * Picks the live instance that gets a run. Pure apart from ROUND_ROBIN's
 * `memory.nextIndex`, which advances by being called; recording the use is the
 * dispatcher's job once the send succeeded.
 *
 * Whatever the strategy, only instances with capacity are eligible: a run is
 * never queued behind a full instance here, it waits and is routed again.
 */
export function route(req: RouteRequest): RouteDecision {
  if (req.candidates.length === 0) return wait(NO_EXECUTOR_REASON);
  const ordered = orderCandidates(req.candidates);
  const available = ordered.filter(hasCapacity);
  if (available.length === 0) return wait(allBusyReason(ordered.length));
  return choose(req, ordered, available);
}

/** `available` is non-empty and in candidate order. */
function choose(req: RouteRequest, ordered: Candidate[], available: Candidate[]): RouteDecision {
  const { strategy } = req;
  switch (strategy) {
    case 'FIRST':
      return chosen(available[0]!);
    case 'LAST':
      return chosen(available[available.length - 1]!);
    case 'ROUND_ROBIN':
      return chosen(roundRobin(req, available));
    case 'RANDOM':
      return chosen(randomPick(req.random ?? Math.random, available));
    case 'CONSISTENT_HASH':
      return chosen(consistentHash(req.jobId, ordered));
    case 'LEAST_FREQUENTLY_USED':
      return chosen(minBy(available, (c) => req.memory.useCount(req.jobId, c.instanceId)));
    case 'LEAST_RECENTLY_USED':
      return chosen(minBy(available, (c) => req.memory.lastUsedAt(req.jobId, c.instanceId)));
    case 'FAILOVER':
      // The earliest-registered instance is the primary; later ones take over,
      // in order, only while it cannot. Same pick as FIRST today, kept separate
      // because FAILOVER is the one that may later also skip unhealthy instances.
      return chosen(available[0]!);
    case 'BUSYOVER':
      return busyover(available, ordered.length);
    case 'LEAST_LOADED':
      return chosen(leastLoaded(available));
    default:
      // Reached only when an unvalidated value (or SHARDING_BROADCAST) slips through.
      throw new Error(`route: unsupported strategy ${String(strategy satisfies never)}`);
  }
}

function roundRobin(req: RouteRequest, available: Candidate[]): Candidate {
  const n = available.length;
  // Double modulo keeps a negative or huge counter inside 0..n-1.
  const i = ((req.memory.nextIndex(req.jobId) % n) + n) % n;
  return available[i]!;
}

function randomPick(random: () => number, available: Candidate[]): Candidate {
  // Clamped: a random() returning exactly 1 (or garbage) must still pick someone.
  const i = Math.floor(random() * available.length);
  return available[Math.min(Math.max(i || 0, 0), available.length - 1)]!;
}

/**
 * The ring is built over every candidate, busy or not, so load does not
 * reshape it: a busy owner's runs spill clockwise to the next instance, and
 * come back as soon as the owner has room again.
 */
function consistentHash(jobId: string, ordered: Candidate[]): Candidate {
  // Keyed by candidate order rather than a second sort by id: ownership on the
  // ring depends only on the id set, and owners index straight into `ordered`.
  const ring = rings.get(ordered.map((c) => c.instanceId));
  const owner = walkRing(ring, jobId, (i) => hasCapacity(ordered[i]!));
  // route() checked that someone has capacity, so the walk always finds an owner.
  return ordered[owner]!;
}

function busyover(available: Candidate[], total: number): RouteDecision {
  const idle = available.find((c) => c.inFlight === 0);
  return idle ? chosen(idle) : wait(busyoverReason(total));
}

/** Lowest inFlight/concurrency, then lower inFlight; compared by cross-multiplying to avoid float ties. */
function leastLoaded(available: Candidate[]): Candidate {
  let best = available[0]!;
  for (const c of available.slice(1)) {
    const cmp = c.inFlight * best.concurrency - best.inFlight * c.concurrency;
    if (cmp < 0 || (cmp === 0 && c.inFlight < best.inFlight)) best = c;
  }
  return best;
}

/** The first candidate with the smallest score: strict `<` keeps ties in candidate order. */
function minBy(available: Candidate[], score: (c: Candidate) => number): Candidate {
  let best = available[0]!;
  let bestScore = score(best);
  for (const c of available.slice(1)) {
    const s = score(c);
    if (s < bestScore) {
      best = c;
      bestScore = s;
    }
  }
  return best;
}

function chosen(c: Candidate): RouteDecision {
  return { kind: 'chosen', instanceId: c.instanceId };
}

function wait(reason: string): RouteDecision {
  return { kind: 'wait', reason };
}
