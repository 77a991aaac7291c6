import { io, type Socket } from 'socket.io-client';
import { EXECUTOR_NAMESPACE, EXECUTOR_PROTOCOL_VERSION, type DispatchMessage, type DispatchReply, type ExecutorHandshake, type HelloMessage } from '@baton/protocol';

export type RawSocket = Socket;

export function handshake(app: string, token: string, overrides: Partial<ExecutorHandshake> = {}): ExecutorHandshake {
  return {
    protocol: EXECUTOR_PROTOCOL_VERSION,
    app,
    token,
    instanceId: `raw-${Math.random().toString(16).slice(2, 10)}`,
    hostname: 'test-host',
    pid: 1,
    sdkVersion: 'raw',
    handlers: ['h'],
    concurrency: 4,
    labels: {},
    ...overrides,
  };
}

/** Connects a bare socket.io client as an executor; resolves with the hello, or rejects with the connect_error message. */
export function connectRaw(url: string, auth: unknown): Promise<{ socket: RawSocket; hello: HelloMessage }> {
  const socket = io(`${url}${EXECUTOR_NAMESPACE}`, { auth: auth as Record<string, unknown>, reconnection: false, transports: ['websocket'] });
  return new Promise((resolve, reject) => {
    socket.once('hello.v1', (hello: HelloMessage) => resolve({ socket, hello }));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Answers dispatches with `reply(msg)` and records them. */
export function onDispatch(socket: RawSocket, reply: (msg: DispatchMessage) => DispatchReply): DispatchMessage[] {
  const seen: DispatchMessage[] = [];
  socket.on('run.dispatch.v1', (msg: DispatchMessage, ack: (r: DispatchReply) => void) => {
    seen.push(msg);
    ack(reply(msg));
  });
  return seen;
}
