import { describe, expect, it } from 'vitest';
import { buildRing, hash32, HashRingCache, walkRing } from '../../../src/modules/dispatch/routing/hash-ring.js';
import { route } from '../../../src/modules/dispatch/routing/route.js';
import type { Candidate } from '../../../src/modules/dispatch/routing/route-strategy.js';
import { c, StubMemory } from './helpers.js';

const memory = new StubMemory();
const fleet = (n: number, load = '0/1'): Candidate[] => Array.from({ length: n }, (_, i) => c(`executor-${i}`, 1000 + i, load));
const JOBS = Array.from({ length: 10_000 }, (_, i) => `job-${i}`);

function owner(jobId: string, candidates: Candidate[]): string {
  const d = route({ strategy: 'CONSISTENT_HASH', jobId, runId: 'r', candidates, memory });
  if (d.kind !== 'chosen') throw new Error(`expected a choice for ${jobId}, got: ${d.reason}`);
  return d.instanceId;
}

function owners(candidates: Candidate[]): Map<string, string> {
  return new Map(JOBS.map((j) => [j, owner(j, candidates)]));
}

describe('CONSISTENT_HASH: stability', () => {
  it.each([
    { name: 'repeated calls', variant: (f: Candidate[]) => f },
    { name: 'shuffled input order', variant: (f: Candidate[]) => [...f].reverse() },
    { name: 'different registration times', variant: (f: Candidate[]) => f.map((x, i) => ({ ...x, connectedAt: 9999 - i })) },
    { name: 'different (non-full) loads', variant: (f: Candidate[]) => f.map((x, i) => ({ ...x, inFlight: i % 3, concurrency: 4 })) },
  ])('a job keeps its instance across $name', ({ variant }) => {
    const base = fleet(5);
    for (const jobId of JOBS.slice(0, 500)) {
      const want = owner(jobId, base);
      expect(owner(jobId, variant(base))).toBe(want);
      expect(owner(jobId, variant(base))).toBe(want);
    }
  });
});

describe('CONSISTENT_HASH: distribution and movement', () => {
  const five = fleet(5);
  const before = owners(five);

  it('spreads 10,000 jobs over 5 instances, each between 10% and 30%', () => {
    const share = new Map<string, number>();
    for (const id of before.values()) share.set(id, (share.get(id) ?? 0) + 1);
    expect([...share.keys()].sort()).toEqual(five.map((x) => x.instanceId).sort());
    for (const n of share.values()) {
      expect(n / JOBS.length).toBeGreaterThan(0.1);
      expect(n / JOBS.length).toBeLessThan(0.3);
    }
  });

  it.each(five.map((x) => ({ removed: x.instanceId })))('removing $removed moves only its own jobs (< 35%)', ({ removed }) => {
    const after = owners(five.filter((x) => x.instanceId !== removed));
    let moved = 0;
    for (const [job, was] of before) {
      const now = after.get(job)!;
      if (was === removed) {
        expect(now).not.toBe(removed);
        moved++;
      } else {
        expect(now).toBe(was);
      }
    }
    expect(moved / JOBS.length).toBeLessThan(0.35);
  });

  it('adding a sixth instance moves jobs only onto it, about 1/6', () => {
    const after = owners([...five, c('executor-new', 5000)]);
    let moved = 0;
    for (const [job, was] of before) {
      const now = after.get(job)!;
      if (now !== was) {
        expect(now).toBe('executor-new');
        moved++;
      }
    }
    expect(moved / JOBS.length).toBeGreaterThan(0.08);
    expect(moved / JOBS.length).toBeLessThan(0.3);
  });
});

describe('CONSISTENT_HASH: a busy owner spills deterministically', () => {
  const five = fleet(5, '0/2');
  const withFull = (ids: string[]) => five.map((x) => (ids.includes(x.instanceId) ? { ...x, inFlight: 2 } : x));

  it.each(JOBS.slice(0, 200).map((jobId) => ({ jobId })))('$jobId', ({ jobId }) => {
    const home = owner(jobId, five);
    const spill = owner(jobId, withFull([home]));
    expect(spill).not.toBe(home);
    // Same spill target every time...
    expect(owner(jobId, withFull([home]))).toBe(spill);
    // ...and it is where the job would live if the owner had left.
    expect(spill).toBe(owner(jobId, five.filter((x) => x.instanceId !== home)));
    // With the spill target also full it moves on again, never to a full one.
    const second = owner(jobId, withFull([home, spill]));
    expect([home, spill]).not.toContain(second);
    // Once the owner has room again, the job goes home.
    expect(owner(jobId, five)).toBe(home);
  });

  it('with only one instance with room, everything goes there', () => {
    const cands = fleet(5).map((x) => (x.instanceId === 'executor-3' ? x : { ...x, inFlight: 1 }));
    for (const jobId of JOBS.slice(0, 300)) expect(owner(jobId, cands)).toBe('executor-3');
  });
});

describe('hash ring internals', () => {
  it('hash32 is a deterministic unsigned 32-bit hash that separates near keys', () => {
    expect(hash32('job-1')).toBe(hash32('job-1'));
    const hs = ['a#0', 'a#1', 'a#2', 'b#0', ''].map(hash32);
    for (const h of hs) expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    expect(new Set(hs).size).toBe(hs.length);
  });

  it('builds 100 virtual nodes per instance, sorted', () => {
    const ring = buildRing(['a', 'b', 'c']);
    expect(ring.points.length).toBe(300);
    for (let i = 1; i < ring.points.length; i++) expect(ring.points[i]!).toBeGreaterThanOrEqual(ring.points[i - 1]!);
    expect(new Set(ring.owners)).toEqual(new Set([0, 1, 2]));
  });

  it('which id owns which point does not depend on the order ids are given in', () => {
    const owned = (ids: string[]) => {
      const ring = buildRing(ids);
      return Array.from(ring.points, (p, k) => `${p}:${ring.ids[ring.owners[k]!]}`);
    };
    expect(owned(['c', 'a', 'b'])).toEqual(owned(['a', 'b', 'c']));
  });

  it('walkRing reports -1 when nobody is eligible', () => {
    expect(walkRing(buildRing(['a', 'b']), 'job', () => false)).toBe(-1);
  });

  it('the ring cache reuses rings and evicts the least recently used', () => {
    const cache = new HashRingCache(2);
    const ab = cache.get(['a', 'b']);
    expect(cache.get(['a', 'b'])).toBe(ab);
    cache.get(['a', 'c']);
    cache.get(['a', 'b']); // refresh ab, so ac is now the oldest
    cache.get(['b', 'c']); // evicts ac
    expect(cache.size).toBe(2);
    expect(cache.builds).toBe(3);
    expect(cache.get(['a', 'b'])).toBe(ab);
    cache.get(['a', 'c']);
    expect(cache.builds).toBe(4);
  });
});

describe('CONSISTENT_HASH: throughput sanity check', () => {
  it('routes 100,000 requests over 20 instances in under a second', () => {
    const twenty = fleet(20, '3/4');
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) owner(`job-${i}`, twenty);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
