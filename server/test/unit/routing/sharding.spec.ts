import { describe, expect, it } from 'vitest';
import { assignShards } from '../../../src/modules/dispatch/routing/sharding.js';
import { c } from './helpers.js';

describe('assignShards', () => {
  it.each([
    { name: 'no instances, no shards', cands: [], want: [] },
    { name: 'a single instance gets shard 0 of 1', cands: [c('a', 1)], want: ['a 0/1'] },
    { name: 'by registration order', cands: [c('c', 30), c('a', 10), c('b', 20)], want: ['a 0/3', 'b 1/3', 'c 2/3'] },
    { name: 'registration ties by id', cands: [c('y', 5), c('x', 5), c('w', 9)], want: ['x 0/3', 'y 1/3', 'w 2/3'] },
    { name: 'load is ignored, full ones included', cands: [c('a', 1, '4/4'), c('b', 2, '0/0'), c('c', 3, '0/1')], want: ['a 0/3', 'b 1/3', 'c 2/3'] },
  ])('$name', ({ cands, want }) => {
    const got = assignShards(cands).map((s) => `${s.instanceId} ${s.shard.index}/${s.shard.total}`);
    expect(got).toEqual(want);
  });

  it('does not reorder the caller\'s array', () => {
    const cands = [c('b', 2), c('a', 1)];
    assignShards(cands);
    expect(cands.map((x) => x.instanceId)).toEqual(['b', 'a']);
  });
});
