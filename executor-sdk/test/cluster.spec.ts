import { afterEach, describe, expect, it } from 'vitest';
import type { ServerNodeRef } from '@baton/protocol';
import type { Executor } from '../src/index.js';
import { aRun, type FakeServer } from './support/fake-server.js';
import { gate, Harness } from './support/harness.js';
import { waitFor } from './support/wait.js';

const h = new Harness();
afterEach(() => h.cleanup());

/** Two nodes whose hellos list `list` (mutable, so a test can change the membership). */
async function twoNodes(list: (a: FakeServer, b: FakeServer) => ServerNodeRef[]) {
  const refs: { a?: FakeServer; b?: FakeServer } = {};
  const nodes = () => list(refs.a!, refs.b!);
  refs.a = await h.server({ nodeId: 'node-a', nodes });
  refs.b = await h.server({ nodeId: 'node-b', nodes });
  return { a: refs.a, b: refs.b };
}

const connectedIds = (e: Executor) =>
  e
    .stats()
    .connections.filter((c) => c.connected)
    .map((c) => c.nodeId)
    .sort();

describe('several server nodes', () => {
  it('connects to every node listed in hello, starting from one seed', async () => {
    const { a, b } = await twoNodes((a, b) => [
      { id: 'node-a', url: a.url },
      { id: 'node-b', url: b.url },
    ]);
    const executor = h.executor(a);
    executor.handle('x', () => 'from b');
    await executor.start();
    await waitFor(() => connectedIds(executor).length === 2, 'sockets to both nodes');
    expect(connectedIds(executor)).toEqual(['node-a', 'node-b']);
    expect(b.handshakes).toHaveLength(1);

    // A run dispatched by node B reports to node B.
    const run = aRun({ handler: 'x' });
    await b.dispatch([run]);
    await waitFor(() => b.resultsFor(run.runId).length === 1, 'the result on node b');
    expect(a.resultsFor(run.runId)).toHaveLength(0);
  });

  it('follows a node whose advertised URL changes (e.g. it first advertised a port it was not listening on)', async () => {
    let nodeBUrl = 'http://127.0.0.1:1';
    const { a, b } = await twoNodes((a) => [
      { id: 'node-a', url: a.url },
      { id: 'node-b', url: nodeBUrl },
    ]);
    const executor = h.executor(a);
    executor.handle('x', () => null);
    await executor.start();
    expect(connectedIds(executor)).toEqual(['node-a']);
    nodeBUrl = b.url;
    a.emitToAll('cluster.nodes.v1', { nodes: [{ id: 'node-a', url: a.url }, { id: 'node-b', url: b.url }] });
    await waitFor(() => connectedIds(executor).length === 2, 'a socket to node-b at its new URL');
    expect(b.handshakes).toHaveLength(1);
  });

  it('closes the older of two sockets that reach the same node, keeping the one the node registered last', async () => {
    const { a } = await twoNodes((a) => [{ id: 'node-a', url: a.url }]);
    // Two seed URLs, one node.
    const executor = h.executor([a.url, a.aliasUrl]);
    executor.handle('x', () => null);
    await executor.start();
    await waitFor(() => executor.stats().connections.length === 1 && a.sockets.length === 1, 'one socket to node-a');
    expect(connectedIds(executor)).toEqual(['node-a']);
    expect(a.connectionIds).toHaveLength(2);
    expect(a.sockets[0]!.id).toBe(a.connectionIds[1]);
  });

  it('keeps one socket per node when a seed URL and an advertised URL name the same node', async () => {
    const { a, b } = await twoNodes((a, b) => [
      { id: 'node-a', url: a.url },
      { id: 'node-b', url: b.aliasUrl },
    ]);
    const executor = h.executor([a.url, b.url]);
    executor.handle('x', () => null);
    await executor.start();
    await waitFor(() => connectedIds(executor).length === 2 && executor.stats().connections.length === 2 && b.sockets.length === 1, 'one socket per node');
    expect(connectedIds(executor)).toEqual(['node-a', 'node-b']);
    expect(b.sockets[0]!.id).toBe(b.connectionIds.at(-1));
  });

  it('drops the socket to a node that is no longer listed', async () => {
    let members = ['node-a', 'node-b'];
    const { a, b } = await twoNodes((a, b) => [
      { id: 'node-a', url: a.url },
      { id: 'node-b', url: b.url },
    ].filter((n) => members.includes(n.id)));
    const executor = h.executor(a);
    executor.handle('x', () => null);
    await executor.start();
    await waitFor(() => connectedIds(executor).length === 2, 'sockets to both nodes');

    members = ['node-a'];
    a.emitToAll('cluster.nodes.v1', { nodes: [{ id: 'node-a', url: a.url }] });
    await waitFor(() => executor.stats().connections.length === 1 && b.sockets.length === 0, 'the socket to node-b to close');
    expect(connectedIds(executor)).toEqual(['node-a']);

    // Listed again: connected again.
    members = ['node-a', 'node-b'];
    a.emitToAll('cluster.nodes.v1', { nodes: [{ id: 'node-a', url: a.url }, { id: 'node-b', url: b.url }] });
    await waitFor(() => connectedIds(executor).length === 2, 'node-b again');
  });

  it('sends a run\'s result on another node when the dispatching node is down', async () => {
    const { a, b } = await twoNodes((a, b) => [
      { id: 'node-a', url: a.url },
      { id: 'node-b', url: b.url },
    ]);
    const executor = h.executor(a);
    const hold = gate();
    executor.handle('wait', () => hold.promise.then(() => 'done'));
    await executor.start();
    await waitFor(() => connectedIds(executor).length === 2, 'sockets to both nodes');
    const run = aRun({ handler: 'wait' });
    await b.dispatch([run]);
    await b.stop();
    await waitFor(() => connectedIds(executor).length === 1, 'node-b to be down');
    hold.open();
    await waitFor(() => a.resultsFor(run.runId).length === 1, 'the result on node a');
    expect(executor.stats().bufferedResults).toBe(0);
  });
});
