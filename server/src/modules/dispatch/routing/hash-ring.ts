import { compareIds } from './candidates.js';

/** Points per instance: enough that 5 instances each get 20% ± a few points of the key space. */
export const VIRTUAL_NODES = 100;
/** Rings are cached per instance set; a leader rarely sees more than a few dozen distinct sets. */
export const RING_CACHE_SIZE = 64;

/**
 * 32-bit FNV-1a over UTF-16 code units, then murmur3's fmix32 finaliser.
 * FNV-1a alone clusters keys that differ only in the last character
 * (`a#1`, `a#2`, `job-17`), which would bunch virtual nodes together; the
 * finaliser spreads them over the whole ring.
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A ring over a fixed, id-sorted set of instances: parallel arrays so lookups allocate nothing. */
export interface HashRing {
  /** Instance ids in the order the ring was built from; `owners` index into this. */
  readonly ids: readonly string[];
  /** Point positions, ascending. */
  readonly points: Uint32Array;
  /** `owners[k]` = index into `ids` of the instance owning `points[k]`. */
  readonly owners: Uint32Array;
}

/**
 * Which id owns which point depends only on the set of ids, never on their
 * order in `ids`: the order only decides the owner numbering, so callers can
 * pass their own candidate order and index straight back into it.
 */
export function buildRing(ids: readonly string[], virtualNodes = VIRTUAL_NODES): HashRing {
  const entries: Array<{ point: number; owner: number }> = [];
  ids.forEach((id, owner) => {
    for (let i = 0; i < virtualNodes; i++) entries.push({ point: hash32(`${id}#${i}`), owner });
  });
  // Ties (two instances' nodes on the same point) go to the smaller id, which
  // depends only on those two ids, so a collision resolves the same way
  // whichever other instances are present.
  entries.sort((a, b) => a.point - b.point || compareIds(ids[a.owner]!, ids[b.owner]!));
  return {
    ids,
    points: Uint32Array.from(entries, (e) => e.point),
    owners: Uint32Array.from(entries, (e) => e.owner),
  };
}

/**
 * Walks clockwise from `key`'s position to the first point whose owner is
 * `eligible`; returns that owner's index in `ring.ids`, or -1 if none is.
 * Skipping an ineligible owner's points is exactly the ring without that
 * owner, so a busy owner's runs spill where they would go if it had left.
 */
export function walkRing(ring: HashRing, key: string, eligible: (ownerIndex: number) => boolean): number {
  const n = ring.points.length;
  const start = lowerBound(ring.points, hash32(key));
  for (let step = 0; step < n; step++) {
    const owner = ring.owners[(start + step) % n]!;
    if (eligible(owner)) return owner;
  }
  return -1;
}

/** First index whose point is >= target (n when past the last point, which wraps to 0). */
function lowerBound(points: Uint32Array, target: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Small LRU of rings keyed by the id list, so routing does not rebuild a ring
 * per run. Callers pass ids in a deterministic order (route() uses candidate
 * order), so one fleet maps to one key; the same set in another order would
 * only cost a second, equivalent entry.
 */
export class HashRingCache {
  private readonly rings = new Map<string, HashRing>();
  /** Most recently used key: the steady state is one fleet hit over and over, skip the LRU shuffle then. */
  private newest: string | undefined;
  /** How many rings were built; lets tests see that the cache is hit. */
  builds = 0;

  constructor(private readonly capacity = RING_CACHE_SIZE) {}

  get(ids: readonly string[]): HashRing {
    // NUL cannot appear in sane instance ids, so the joined key is unambiguous.
    const key = ids.join('\u0000');
    const hit = this.rings.get(key);
    if (hit) {
      if (key !== this.newest) {
        // Re-insert to mark it most recently used (Map keeps insertion order).
        this.rings.delete(key);
        this.rings.set(key, hit);
        this.newest = key;
      }
      return hit;
    }
    const ring = buildRing(ids);
    this.builds++;
    this.rings.set(key, ring);
    this.newest = key;
    if (this.rings.size > this.capacity) this.rings.delete(this.rings.keys().next().value!);
    return ring;
  }

  get size(): number {
    return this.rings.size;
  }
}
