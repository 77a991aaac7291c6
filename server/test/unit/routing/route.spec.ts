import { describe, expect, it } from 'vitest';
import { ROUTE_STRATEGIES } from '@baton/protocol';
import {
  allBusyReason,
  busyoverReason,
  NO_EXECUTOR_REASON,
  route,
} from '../../../src/modules/dispatch/routing/route.js';
import type { Candidate, RouteDecision, RouteRequest } from '../../../src/modules/dispatch/routing/route-strategy.js';
import { InMemoryRoutingMemory } from '../../../src/modules/dispatch/routing/routing-memory.js';
import { c, seeded, StubMemory } from './helpers.js';

type Strategy = RouteRequest['strategy'];
const STRATEGIES = ROUTE_STRATEGIES.filter((s): s is Strategy => s !== 'SHARDING_BROADCAST');

function pick(strategy: Strategy, candidates: Candidate[], extra: Partial<RouteRequest> = {}): RouteDecision {
  return route({ strategy, jobId: 'job-1', runId: 'run-1', candidates, memory: new StubMemory(), ...extra });
}

const chosen = (instanceId: string): RouteDecision => ({ kind: 'chosen', instanceId });
const waiting = (reason: string): RouteDecision => ({ kind: 'wait', reason });

describe('route: waits', () => {
  const allFull = [c('a', 1, '2/2'), c('b', 2, '1/1'), c('c', 3, '0/0')];
  it.each(STRATEGIES.map((s) => ({ s })))('$s waits when no executor is online', ({ s }) => {
    expect(pick(s, [])).toEqual(waiting('no executor of this app with the handler is online'));
  });
  it.each(STRATEGIES.map((s) => ({ s })))('$s waits when every executor is at its limit', ({ s }) => {
    expect(pick(s, allFull)).toEqual(waiting('all 3 executors are busy (at their concurrency limit)'));
  });
  it('exports the reasons it uses', () => {
    expect(NO_EXECUTOR_REASON).toBe('no executor of this app with the handler is online');
    expect(allBusyReason(1)).toBe('all 1 executors are busy (at their concurrency limit)');
    expect(busyoverReason(4)).toBe('all 4 executors are busy (BUSYOVER waits for an idle one)');
  });
  it('a wait does not advance the ROUND_ROBIN counter', () => {
    const memory = new StubMemory();
    pick('ROUND_ROBIN', allFull, { memory });
    pick('ROUND_ROBIN', [], { memory });
    expect(memory.nextIndexCalls).toBe(0);
  });
  it('rejects SHARDING_BROADCAST, which the dispatcher handles elsewhere', () => {
    expect(() => pick('SHARDING_BROADCAST' as Strategy, [c('a', 1)])).toThrow(/unsupported strategy SHARDING_BROADCAST/);
  });
});

describe('route: FIRST / LAST / FAILOVER', () => {
  it.each([
    { name: 'all free', cands: [c('a', 10, '0/2'), c('b', 20), c('c', 30)], first: 'a', last: 'c' },
    { name: 'input order is irrelevant', cands: [c('c', 30), c('a', 10), c('b', 20)], first: 'a', last: 'c' },
    { name: 'first registered is full', cands: [c('a', 10, '2/2'), c('b', 20, '1/4'), c('c', 30)], first: 'b', last: 'c' },
    { name: 'last registered is full', cands: [c('a', 10), c('b', 20), c('c', 30, '3/3')], first: 'a', last: 'b' },
    { name: 'only a middle one has room', cands: [c('a', 10, '1/1'), c('b', 20, '0/1'), c('c', 30, '5/5')], first: 'b', last: 'b' },
    { name: 'zero concurrency is never room', cands: [c('z', 1, '0/0'), c('y', 2), c('x', 3, '0/0')], first: 'y', last: 'y' },
    { name: 'a single instance', cands: [c('solo', 5, '3/4')], first: 'solo', last: 'solo' },
    { name: 'same connectedAt ties by id', cands: [c('b', 10), c('c', 10), c('a', 10)], first: 'a', last: 'c' },
  ])('$name', ({ cands, first, last }) => {
    expect(pick('FIRST', cands)).toEqual(chosen(first));
    expect(pick('FAILOVER', cands)).toEqual(chosen(first));
    expect(pick('LAST', cands)).toEqual(chosen(last));
  });
});

describe('route: ROUND_ROBIN', () => {
  it.each([
    { name: 'three free instances', cands: [c('a', 1), c('b', 2), c('c', 3)], seq: ['a', 'b', 'c', 'a', 'b', 'c'] },
    { name: 'a full instance is skipped', cands: [c('a', 1), c('b', 2, '1/1'), c('c', 3)], seq: ['a', 'c', 'a', 'c', 'a', 'c'] },
    { name: 'a single instance', cands: [c('a', 1, '0/9')], seq: ['a', 'a', 'a', 'a', 'a', 'a'] },
    { name: 'ordered by registration, not input', cands: [c('b', 2), c('a', 1)], seq: ['a', 'b', 'a', 'b', 'a', 'b'] },
  ])('$name cycles over 6 calls', ({ cands, seq }) => {
    const memory = new InMemoryRoutingMemory();
    const got = seq.map(() => pick('ROUND_ROBIN', cands, { memory }));
    expect(got).toEqual(seq.map(chosen));
  });

  it('rotates each job independently', () => {
    const memory = new InMemoryRoutingMemory();
    const cands = [c('a', 1), c('b', 2), c('c', 3)];
    const next = (jobId: string) => (route({ strategy: 'ROUND_ROBIN', jobId, runId: 'r', candidates: cands, memory }) as { instanceId: string }).instanceId;
    expect([next('j1'), next('j2'), next('j1'), next('j2'), next('j1')]).toEqual(['a', 'a', 'b', 'b', 'c']);
  });

  it('copes with a counter beyond the candidate count or negative', () => {
    const cands = [c('a', 1), c('b', 2), c('c', 3)];
    const at = (n: number) => pick('ROUND_ROBIN', cands, { memory: Object.assign(new StubMemory(), { nextIndex: () => n }) });
    expect([at(7), at(-1), at(2 ** 40)]).toEqual([chosen('b'), chosen('c'), chosen('b')]);
  });
});

describe('route: RANDOM with an injected random', () => {
  const three = [c('a', 1), c('b', 2), c('c', 3)];
  it.each([
    { r: 0, cands: three, want: 'a' },
    { r: 0.5, cands: three, want: 'b' },
    { r: 0.999, cands: three, want: 'c' },
    { r: 1, cands: three, want: 'c' }, // out of contract, still picks someone
    { r: Number.NaN, cands: three, want: 'a' },
    { r: 0.6, cands: [c('a', 1), c('b', 2, '1/1'), c('c', 3)], want: 'c' }, // index 1 of the two with room
    { r: 0.99, cands: [c('a', 1), c('b', 2, '1/1'), c('c', 3, '2/2')], want: 'a' },
  ])('random() = $r picks $want', ({ r, cands, want }) => {
    expect(pick('RANDOM', cands, { random: () => r })).toEqual(chosen(want));
  });

  it('is roughly uniform over the instances with room', () => {
    const random = seeded(42);
    const hits: Record<string, number> = {};
    const cands = [c('a', 1), c('b', 2), c('full', 3, '1/1'), c('c', 4)];
    for (let i = 0; i < 3000; i++) {
      const d = pick('RANDOM', cands, { random }) as { instanceId: string };
      hits[d.instanceId] = (hits[d.instanceId] ?? 0) + 1;
    }
    expect(Object.keys(hits).sort()).toEqual(['a', 'b', 'c']);
    for (const n of Object.values(hits)) expect(n).toBeGreaterThan(850);
  });
});

describe('route: LEAST_FREQUENTLY_USED / LEAST_RECENTLY_USED', () => {
  function memoryWith(uses: Array<[string, number]>, jobId = 'job-1'): InMemoryRoutingMemory {
    const m = new InMemoryRoutingMemory();
    for (const [id, at] of uses) m.recordUse(jobId, id, at);
    return m;
  }
  const abc = [c('a', 1), c('b', 2), c('c', 3)];

  it.each([
    { name: 'never-used instance wins', uses: [['a', 1], ['a', 2], ['a', 3], ['b', 4]], cands: abc, want: 'c' },
    { name: 'least used is full, next least', uses: [['a', 1], ['a', 2], ['a', 3], ['b', 4]], cands: [c('a', 1), c('b', 2), c('c', 3, '1/1')], want: 'b' },
    { name: 'ties go by order', uses: [['a', 1], ['b', 2], ['c', 3], ['c', 4]], cands: abc, want: 'a' },
    { name: 'another job\'s history is ignored', uses: [], cands: abc, want: 'a', otherJob: true },
    { name: 'a single instance', uses: [['a', 1], ['a', 2]], cands: [c('a', 1)], want: 'a' },
  ] as Array<{ name: string; uses: Array<[string, number]>; cands: Candidate[]; want: string; otherJob?: boolean }>)(
    'LFU: $name',
    ({ uses, cands, want, otherJob }) => {
      const memory = otherJob ? memoryWith([['b', 1], ['c', 1]], 'job-2') : memoryWith(uses);
      expect(pick('LEAST_FREQUENTLY_USED', cands, { memory })).toEqual(chosen(want));
    },
  );

  it.each([
    { name: 'never-used (0) comes first', uses: [['a', 100], ['b', 50]], cands: abc, want: 'c' },
    { name: 'oldest use wins', uses: [['a', 100], ['b', 50], ['c', 70]], cands: abc, want: 'b' },
    { name: 'oldest is full, next oldest', uses: [['a', 100], ['b', 50], ['c', 70]], cands: [c('a', 1), c('b', 2, '4/4'), c('c', 3)], want: 'c' },
    { name: 'ties go by order', uses: [['a', 50], ['b', 50], ['c', 90]], cands: abc, want: 'a' },
    { name: 'recency, not frequency', uses: [['a', 10], ['a', 20], ['a', 30], ['b', 40]], cands: [c('a', 1), c('b', 2)], want: 'a' },
  ] as Array<{ name: string; uses: Array<[string, number]>; cands: Candidate[]; want: string }>)('LRU: $name', ({ uses, cands, want }) => {
    expect(pick('LEAST_RECENTLY_USED', cands, { memory: memoryWith(uses) })).toEqual(chosen(want));
  });

  it.each([
    { strategy: 'LEAST_FREQUENTLY_USED' as const },
    { strategy: 'LEAST_RECENTLY_USED' as const },
  ])('$strategy spreads evenly when the dispatcher records each use', ({ strategy }) => {
    const memory = new InMemoryRoutingMemory();
    const got: string[] = [];
    for (let t = 1; t <= 6; t++) {
      const d = pick(strategy, abc, { memory }) as { instanceId: string };
      memory.recordUse('job-1', d.instanceId, t);
      got.push(d.instanceId);
    }
    expect(got).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('route itself records nothing', () => {
    const memory = new StubMemory();
    for (const s of STRATEGIES) pick(s, abc, { memory });
    expect(memory.recorded).toEqual([]);
  });
});

describe('route: BUSYOVER', () => {
  it.each([
    { name: 'first idle in order', cands: [c('a', 1, '1/2'), c('b', 2, '0/2'), c('c', 3, '0/1')], want: chosen('b') },
    { name: 'all idle: the first', cands: [c('b', 2, '0/5'), c('a', 1, '0/1')], want: chosen('a') },
    { name: 'idle but zero concurrency is skipped', cands: [c('a', 1, '0/0'), c('b', 2, '1/3'), c('c', 3, '0/1')], want: chosen('c') },
    { name: 'room but nobody idle waits', cands: [c('a', 1, '1/2'), c('b', 2, '2/2'), c('c', 3, '1/3')], want: waiting('all 3 executors are busy (BUSYOVER waits for an idle one)') },
    { name: 'a single busy instance with room waits', cands: [c('a', 1, '1/8')], want: waiting('all 1 executors are busy (BUSYOVER waits for an idle one)') },
  ])('$name', ({ cands, want }) => {
    expect(pick('BUSYOVER', cands)).toEqual(want);
  });
});

describe('route: LEAST_LOADED', () => {
  it.each([
    { name: 'lowest ratio', cands: [c('a', 1, '1/2'), c('b', 2, '1/4'), c('c', 3, '0/1')], want: 'c' },
    { name: 'ratio, not absolute in-flight', cands: [c('a', 1, '1/2'), c('b', 2, '3/10')], want: 'b' },
    { name: 'equal ratio: lower in-flight', cands: [c('a', 1, '2/4'), c('b', 2, '1/2')], want: 'b' },
    { name: 'equal thirds compare exactly', cands: [c('a', 1, '2/6'), c('b', 2, '1/3')], want: 'b' },
    { name: 'full tie: order', cands: [c('b', 2, '1/3'), c('a', 1, '1/3')], want: 'a' },
    { name: 'a full instance is never least loaded', cands: [c('a', 1, '4/4'), c('b', 2, '3/4')], want: 'b' },
    { name: 'zero concurrency is excluded', cands: [c('a', 1, '0/0'), c('b', 2, '5/6')], want: 'b' },
  ])('$name', ({ cands, want }) => {
    expect(pick('LEAST_LOADED', cands)).toEqual(chosen(want));
  });
});

describe('route: never chooses an instance without capacity', () => {
  it.each(STRATEGIES.map((s) => ({ s })))('$s over 500 random fleets', ({ s }) => {
    const random = seeded(7);
    const int = (n: number) => Math.floor(random() * n);
    for (let trial = 0; trial < 500; trial++) {
      const cands = Array.from({ length: 1 + int(6) }, (_, i) => {
        const concurrency = int(4);
        return { instanceId: `i${i}`, connectedAt: int(3), inFlight: int(concurrency + 1), concurrency };
      });
      const memory = new StubMemory(
        Object.fromEntries(cands.map((x) => [x.instanceId, int(5)])),
        Object.fromEntries(cands.map((x) => [x.instanceId, int(5)])),
      );
      const d = route({ strategy: s, jobId: `job-${trial}`, runId: 'r', candidates: cands, memory, random });
      if (d.kind === 'chosen') {
        const target = cands.find((x) => x.instanceId === d.instanceId)!;
        expect(target.inFlight).toBeLessThan(target.concurrency);
      } else {
        expect(cands.some((x) => x.inFlight < x.concurrency && (s !== 'BUSYOVER' || x.inFlight === 0))).toBe(false);
      }
    }
  });
});
