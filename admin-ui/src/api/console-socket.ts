import { io, type Socket } from 'socket.io-client';
import { CONSOLE_NAMESPACE, type ConsoleClientEvents, type ConsoleServerEvents, type RunLogChunkDto, type RunDto } from '@baton/protocol';

export type ConsoleSocket = Socket<ConsoleServerEvents, ConsoleClientEvents>;
type StatusUpdate = Parameters<ConsoleServerEvents['run.status.v1']>[0];

let shared: ConsoleSocket | null = null;

/** One socket per tab, opened on first use; it authenticates with the session cookie (same origin). */
export function consoleSocket(): ConsoleSocket {
  if (!shared) shared = io(CONSOLE_NAMESPACE, { path: '/socket.io', transports: ['websocket', 'polling'], withCredentials: true });
  return shared;
}

export interface FollowHandlers {
  /** Highest log sequence number already shown; the server sends what comes after. */
  afterSeq: () => number;
  onStatus: (s: StatusUpdate) => void;
  onLogs: (chunks: RunLogChunkDto[]) => void;
}

/**
 * Follows one run until the returned function is called. Re-follows after a reconnect from the
 * last sequence shown, so no line is lost or doubled across a network blip.
 */
export function followRun(runId: RunDto['id'], h: FollowHandlers, socket: ConsoleSocket = consoleSocket()): () => void {
  const follow = () => socket.emit('run.follow.v1', { runId, afterSeq: h.afterSeq() }, () => undefined);
  const onStatus: ConsoleServerEvents['run.status.v1'] = (s) => s.id === runId && h.onStatus(s);
  const onLogs: ConsoleServerEvents['run.logs.v1'] = (m) => m.runId === runId && h.onLogs(m.chunks);
  socket.on('run.status.v1', onStatus);
  socket.on('run.logs.v1', onLogs);
  socket.on('connect', follow);
  if (socket.connected) follow();
  return () => {
    socket.off('run.status.v1', onStatus);
    socket.off('run.logs.v1', onLogs);
    socket.off('connect', follow);
    socket.emit('run.unfollow.v1', { runId });
  };
}
