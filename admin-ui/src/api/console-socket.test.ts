import { describe, expect, it, vi } from 'vitest';
import { followRun, type ConsoleSocket } from './console-socket';

/** Just enough of a socket.io client socket: handlers by event, and what was emitted. */
function fakeSocket(connected: boolean) {
  const handlers = new Map<string, Set<(...a: unknown[]) => void>>();
  const emitted: Array<[string, unknown]> = [];
  const socket = {
    connected,
    on: (e: string, h: (...a: unknown[]) => void) => (handlers.get(e) ?? handlers.set(e, new Set()).get(e)!).add(h),
    off: (e: string, h: (...a: unknown[]) => void) => handlers.get(e)?.delete(h),
    emit: (e: string, msg: unknown) => emitted.push([e, msg]),
  };
  const fire = (e: string, ...a: unknown[]) => handlers.get(e)?.forEach((h) => h(...a));
  return { socket: socket as unknown as ConsoleSocket, emitted, fire, handlers };
}

describe('followRun', () => {
  it('follows from the last line shown, again after every reconnect', () => {
    const { socket, emitted, fire } = fakeSocket(true);
    let lastSeq = 3;
    followRun('42', { afterSeq: () => lastSeq, onStatus: vi.fn(), onLogs: vi.fn() }, socket);
    expect(emitted).toEqual([['run.follow.v1', { runId: '42', afterSeq: 3 }]]);
    lastSeq = 9;
    fire('connect');
    expect(emitted.at(-1)).toEqual(['run.follow.v1', { runId: '42', afterSeq: 9 }]);
  });

  it('waits for the connection before following', () => {
    const { socket, emitted, fire } = fakeSocket(false);
    followRun('42', { afterSeq: () => 0, onStatus: vi.fn(), onLogs: vi.fn() }, socket);
    expect(emitted).toEqual([]);
    fire('connect');
    expect(emitted).toEqual([['run.follow.v1', { runId: '42', afterSeq: 0 }]]);
  });

  it('passes on only its own run\'s events, and stops cleanly', () => {
    const { socket, emitted, fire, handlers } = fakeSocket(true);
    const onLogs = vi.fn();
    const onStatus = vi.fn();
    const stop = followRun('42', { afterSeq: () => 0, onStatus, onLogs }, socket);
    const chunks = [{ seq: 1, lines: [] }];
    fire('run.logs.v1', { runId: '7', chunks });
    fire('run.logs.v1', { runId: '42', chunks });
    fire('run.status.v1', { id: '7', status: 'RUNNING' });
    fire('run.status.v1', { id: '42', status: 'SUCCEEDED' });
    expect(onLogs).toHaveBeenCalledExactlyOnceWith(chunks);
    expect(onStatus).toHaveBeenCalledExactlyOnceWith({ id: '42', status: 'SUCCEEDED' });
    stop();
    expect(emitted.at(-1)).toEqual(['run.unfollow.v1', { runId: '42' }]);
    expect([...handlers.values()].every((s) => s.size === 0)).toBe(true);
  });
});
