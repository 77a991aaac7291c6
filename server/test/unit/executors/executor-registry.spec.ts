import { describe, expect, it } from 'vitest';
import { ExecutorRegistry, type ConnectedExecutor, type ExecutorSocket } from '../../../src/modules/executors/executor-registry.js';
import { BatonMetrics } from '../../../src/modules/metrics/baton-metrics.js';

function registryWith(concurrency: number) {
  const registry = new ExecutorRegistry(new BatonMetrics());
  let changes = 0;
  registry.onChange(() => changes++);
  const executor: ConnectedExecutor = {
    instanceId: 'x',
    appId: '1',
    appName: 'app',
    handlers: new Set(['h']),
    concurrency,
    labels: {},
    hostname: 'host',
    connectedAt: 0,
    socket: { id: 's1' } as ExecutorSocket,
    inFlight: new Set(),
    unanswered: new Set(),
    full: false,
    draining: false,
  };
  registry.add(executor);
  const load = () => registry.candidates('1', 'h')[0]!.inFlight;
  return { registry, load, changes: () => changes };
}

describe('ExecutorRegistry: the leader\'s count of an instance\'s runs', () => {
  it('keeps runs whose dispatch is unanswered through a heartbeat, and drops them from it once answered', () => {
    const { registry, load } = registryWith(2);
    registry.markDispatched('x', ['1', '2']);
    registry.replaceInFlight('x', [], false); // sent before the dispatch reached the instance
    expect(load()).toBe(2);
    registry.markAnswered('x', ['1', '2']);
    registry.replaceInFlight('x', ['2'], false); // run 1 finished meanwhile
    expect(load()).toBe(1);
  });

  it('forgets a run given back before it was answered', () => {
    const { registry, load } = registryWith(2);
    registry.markDispatched('x', ['1']);
    registry.markDone('x', '1');
    registry.replaceInFlight('x', [], false);
    expect(load()).toBe(0);
  });

  it('takes an instance that refused for capacity as full until its next heartbeat or a run of it ends, and says so when it frees', () => {
    const { registry, load, changes } = registryWith(4);
    registry.markDispatched('x', ['1', '2']);
    registry.markAnswered('x', ['1', '2']);
    registry.markFull('x');
    expect(load()).toBe(4);
    const before = changes();
    registry.replaceInFlight('x', ['1', '2'], false);
    expect(load()).toBe(2);
    expect(changes()).toBe(before + 1);
    registry.markFull('x');
    registry.markDone('x', '1');
    expect(load()).toBe(1);
  });
});
