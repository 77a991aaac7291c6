import { describe, expect, it } from 'vitest';
import { ExecutorRegistry, type ConnectedExecutor, type ExecutorSocket } from '../../../src/modules/executors/executor-registry.js';
import type { BatonMetrics } from '../../../src/modules/metrics/baton-metrics.js';

function registryWithOne(): { registry: ExecutorRegistry; executor: () => ConnectedExecutor } {
  const registry = new ExecutorRegistry({ executorsOnline: { readFrom() {} } } as unknown as BatonMetrics);
  registry.add({
    instanceId: 'i-1', appId: '1', appName: 'a', handlers: new Set(['h']), concurrency: 3, labels: {}, hostname: 'h',
    connectedAt: 0, socket: { id: 's-1' } as ExecutorSocket, inFlight: new Set(), draining: false,
  });
  return { registry, executor: () => registry.get('i-1')! };
}

describe('ExecutorRegistry in-flight accounting', () => {
  it('keeps dispatches the executor has not answered yet when a heartbeat does not list them', () => {
    const { registry, executor } = registryWithOne();
    registry.markDispatched('i-1', ['r1', 'r2']);
    // A heartbeat sent before the dispatch arrived knows neither run.
    registry.replaceInFlight('i-1', [], false);
    expect([...executor().inFlight].sort()).toEqual(['r1', 'r2']);
  });

  it('lets heartbeats account for answered dispatches: a run the executor no longer holds is done', () => {
    const { registry, executor } = registryWithOne();
    registry.markDispatched('i-1', ['r1', 'r2']);
    registry.markAnswered('i-1', ['r1', 'r2']);
    registry.replaceInFlight('i-1', ['r2'], false);
    expect([...executor().inFlight]).toEqual(['r2']);
  });

  it('forgets a run marked done, answered or not', () => {
    const { registry, executor } = registryWithOne();
    registry.markDispatched('i-1', ['r1']);
    registry.markDone('i-1', 'r1');
    registry.replaceInFlight('i-1', [], false);
    expect(executor().inFlight.size).toBe(0);
  });

  it('reports the heartbeat-listed runs as in flight to routing', () => {
    const { registry } = registryWithOne();
    registry.markDispatched('i-1', ['r1']);
    registry.replaceInFlight('i-1', ['r9'], false);
    expect(registry.candidates('1', 'h')).toEqual([expect.objectContaining({ instanceId: 'i-1', inFlight: 2, concurrency: 3 })]);
  });
});
