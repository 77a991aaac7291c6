import type { Candidate, RoutingMemory } from '../../../src/modules/dispatch/routing/route-strategy.js';

/** `c('a', 10, '1/2')`: instance a, connected at 10, 1 run in flight of 2 allowed. */
export function c(instanceId: string, connectedAt: number, load = '0/1'): Candidate {
  const [inFlight, concurrency] = load.split('/').map(Number) as [number, number];
  return { instanceId, connectedAt, inFlight, concurrency };
}

/** A memory that answers from fixed tables and counts nextIndex calls (to prove waits don't advance it). */
export class StubMemory implements RoutingMemory {
  nextIndexCalls = 0;
  recorded: Array<[string, string, number]> = [];

  constructor(
    private readonly counts: Record<string, number> = {},
    private readonly lastUsed: Record<string, number> = {},
  ) {}

  nextIndex(): number {
    return this.nextIndexCalls++;
  }

  useCount(_jobId: string, instanceId: string): number {
    return this.counts[instanceId] ?? 0;
  }

  lastUsedAt(_jobId: string, instanceId: string): number {
    return this.lastUsed[instanceId] ?? 0;
  }

  recordUse(jobId: string, instanceId: string, at: number): void {
    this.recorded.push([jobId, instanceId, at]);
  }
}

/** Small seeded PRNG (mulberry32) so randomised property checks are reproducible. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
