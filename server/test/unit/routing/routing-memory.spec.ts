import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_JOBS, InMemoryRoutingMemory } from '../../../src/modules/dispatch/routing/routing-memory.js';

describe('InMemoryRoutingMemory', () => {
  it('counts 0, 1, 2, ... per job, independently', () => {
    const m = new InMemoryRoutingMemory();
    expect([m.nextIndex('j1'), m.nextIndex('j1'), m.nextIndex('j2'), m.nextIndex('j1'), m.nextIndex('j2')]).toEqual([0, 1, 0, 2, 1]);
  });

  it.each([
    { name: 'nothing recorded', uses: [], count: 0, last: 0 },
    { name: 'one use', uses: [['j', 'a', 100]], count: 1, last: 100 },
    { name: 'several uses', uses: [['j', 'a', 100], ['j', 'a', 200], ['j', 'a', 300]], count: 3, last: 300 },
    { name: 'a clock step back keeps the latest time', uses: [['j', 'a', 300], ['j', 'a', 200]], count: 2, last: 300 },
    { name: 'other jobs and instances do not count', uses: [['j', 'b', 100], ['k', 'a', 100], ['j', 'a', 50]], count: 1, last: 50 },
  ] as Array<{ name: string; uses: Array<[string, string, number]>; count: number; last: number }>)('$name', ({ uses, count, last }) => {
    const m = new InMemoryRoutingMemory();
    for (const [job, id, at] of uses) m.recordUse(job, id, at);
    expect(m.useCount('j', 'a')).toBe(count);
    expect(m.lastUsedAt('j', 'a')).toBe(last);
  });

  it('reads of unknown jobs do not create entries', () => {
    const m = new InMemoryRoutingMemory();
    m.useCount('j', 'a');
    m.lastUsedAt('j', 'a');
    expect(m.size).toBe(0);
  });

  it('evicts the least recently routed job beyond its cap', () => {
    const m = new InMemoryRoutingMemory(3);
    m.recordUse('j1', 'a', 1);
    m.nextIndex('j2');
    m.recordUse('j3', 'a', 3);
    m.nextIndex('j1'); // j1 is fresh again; j2 is now the oldest
    m.recordUse('j4', 'a', 4);
    expect(m.size).toBe(3);
    expect(m.useCount('j1', 'a')).toBe(1);
    expect(m.nextIndex('j2')).toBe(0); // forgotten: its rotation restarts
    expect(m.useCount('j3', 'a')).toBe(0); // j3 was the oldest when j2 came back
    expect(m.useCount('j4', 'a')).toBe(1);
  });

  it('stays at the cap under many jobs', () => {
    const m = new InMemoryRoutingMemory(1000);
    for (let i = 0; i < 5000; i++) m.recordUse(`job-${i}`, 'a', i);
    expect(m.size).toBe(1000);
    expect(m.useCount('job-3999', 'a')).toBe(0);
    expect(m.useCount('job-4000', 'a')).toBe(1);
  });

  it('forgetInstance drops that instance from every job and nothing else', () => {
    const m = new InMemoryRoutingMemory();
    m.recordUse('j1', 'a', 1);
    m.recordUse('j1', 'b', 2);
    m.recordUse('j2', 'a', 3);
    m.nextIndex('j1');
    m.forgetInstance('a');
    expect([m.useCount('j1', 'a'), m.lastUsedAt('j2', 'a')]).toEqual([0, 0]);
    expect([m.useCount('j1', 'b'), m.lastUsedAt('j1', 'b')]).toEqual([1, 2]);
    expect(m.nextIndex('j1')).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a cap of %s', (cap) => {
    expect(() => new InMemoryRoutingMemory(cap)).toThrow(/positive integer/);
  });

  it('defaults to a 100k-job cap', () => {
    expect(DEFAULT_MAX_JOBS).toBe(100_000);
  });
});
