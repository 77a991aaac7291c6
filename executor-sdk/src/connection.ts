import { io, type Socket } from 'socket.io-client';
import {
  EXECUTOR_NAMESPACE,
  HANDSHAKE_ERRORS,
  type DispatchMessage,
  type DispatchReply,
  type ExecutorHandshake,
  type ExecutorToServerEvents,
  type HandshakeError,
  type HeartbeatMessage,
  type HelloMessage,
  type ProgressMessage,
  type ServerNodeRef,
  type ServerToExecutorEvents,
} from '@baton/protocol';
import type { AckedEvent, Channel } from './outbox.js';
import { readHello, readNodes } from './internal/messages.js';
import type { SdkLogger } from './logger.js';

type ExecutorSocket = Socket<ServerToExecutorEvents, ExecutorToServerEvents>;

export interface ConnectionSettings {
  /** socket.io path on the server, '/socket.io' by default. */
  path: string;
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  /** How long to wait for an ack before treating the message as lost and sending it again. */
  ackTimeoutMs: number;
}

/** What a connection reports to its pool. */
export interface ConnectionHooks {
  handshake(): ExecutorHandshake;
  hello(conn: Connection, hello: HelloMessage): void;
  nodes(conn: Connection, nodes: ServerNodeRef[]): void;
  down(conn: Connection, reason: string, wasReady: boolean): void;
  refused(conn: Connection, code: HandshakeError, message: string): void;
  connectError(conn: Connection, error: Error): void;
  dispatch(conn: Connection, msg: DispatchMessage, ack: (reply: DispatchReply) => void): void;
  kill(conn: Connection, msg: unknown): void;
  drain(conn: Connection): void;
}

/** The handshake error code a connect_error message starts with, if any. */
export function refusalCode(message: string): HandshakeError | null {
  return HANDSHAKE_ERRORS.find((code) => message.startsWith(code)) ?? null;
}

let nextId = 1;

/**
 * One socket.io socket to one server node (namespace /executors). It survives reconnects:
 * socket.io retries transport failures with its own backoff; a server-side disconnect or a
 * transient middleware error is retried here (socket.io gives up on those). A refused
 * handshake is final. `ready` means connected and greeted with `hello.v1`, so only then do
 * messages go out (socket.io would otherwise buffer them and send them late, out of order).
 */
export class Connection implements Channel {
  readonly id = nextId++;
  /** The node behind it, from its last hello; for a discovered node, its listed id until then. */
  nodeId: string | null;
  private readonly socket: ExecutorSocket;
  private greeted = false;
  private closed = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retries = 0;
  private greetedAt = 0;

  constructor(
    readonly url: string,
    /** Seeds come from the options and are never dropped for being unlisted. */
    readonly seed: boolean,
    private readonly settings: ConnectionSettings,
    private readonly hooks: ConnectionHooks,
    private readonly logger: SdkLogger,
    expectedNodeId: string | null = null,
  ) {
    this.nodeId = expectedNodeId;
    this.socket = io(`${url}${EXECUTOR_NAMESPACE}`, {
      path: settings.path,
      autoConnect: false,
      // One manager per socket: two URLs for one node must not share (or close) each other's transport.
      forceNew: true,
      // WebSocket only: long-polling needs sticky sessions behind a load balancer.
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: settings.reconnectDelayMs,
      reconnectionDelayMax: settings.reconnectDelayMaxMs,
      // A function, so every reconnect sends the current handshake (handlers added since included).
      auth: (cb) => cb(hooks.handshake() as unknown as Record<string, unknown>),
    });
    this.listen();
  }

  get ready(): boolean {
    return this.greeted && this.socket.connected && !this.closed;
  }

  open(): void {
    this.socket.connect();
  }

  /** The pool accepted the hello: messages may flow. */
  markReady(): void {
    this.greeted = true;
    this.greetedAt = Date.now();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    this.socket.disconnect();
  }

  request(event: AckedEvent | 'heartbeat.v1', payload: unknown, done: (error: Error | null, reply?: unknown) => void): void {
    // The union of event names defeats socket.io's per-event typing; the payloads are typed by the callers.
    const socket = this.socket.timeout(this.settings.ackTimeoutMs) as unknown as { emit(event: string, ...args: unknown[]): void };
    socket.emit(event, payload, (error: Error | null, reply: unknown) => done(error ?? null, reply));
  }

  notify(event: 'run.progress.v1', payload: ProgressMessage): void {
    // Not socket.volatile: that drops packets whenever the transport is busy writing, which
    // would lose the final progress value right behind a log batch.
    if (this.ready) this.socket.emit(event, payload);
  }

  /** Beats now and then every `intervalMs` while connected. */
  startHeartbeat(intervalMs: number, payload: () => HeartbeatMessage): void {
    clearInterval(this.heartbeatTimer);
    const beat = () => this.heartbeat(payload());
    beat();
    this.heartbeatTimer = setInterval(beat, intervalMs);
  }

  heartbeat(msg: HeartbeatMessage): void {
    if (this.ready) this.request('heartbeat.v1', msg, () => {});
  }

  private listen(): void {
    const s = this.socket;
    s.on('connect_error', (error) => this.onConnectError(error));
    s.on('disconnect', (reason) => this.onDisconnect(reason));
    s.on('hello.v1', (msg) => {
      const hello = readHello(msg);
      if (!hello) {
        this.logger.error(`Server ${this.url} sent an unreadable hello.v1; ignoring it`);
        return;
      }
      this.nodeId = hello.nodeId;
      this.hooks.hello(this, hello);
    });
    s.on('cluster.nodes.v1', (msg) => this.hooks.nodes(this, readNodes(msg?.nodes)));
    s.on('run.dispatch.v1', (msg, ack) => this.hooks.dispatch(this, msg, typeof ack === 'function' ? ack : () => {}));
    s.on('run.kill.v1', (msg) => this.hooks.kill(this, msg));
    s.on('drain.v1', () => this.hooks.drain(this));
  }

  private onConnectError(error: Error): void {
    if (this.closed) return;
    const code = refusalCode(error.message);
    if (code) {
      // socket.io does not retry a middleware refusal, and neither do we: the token or protocol is wrong.
      this.close();
      this.hooks.refused(this, code, error.message);
      return;
    }
    this.hooks.connectError(this, error);
    // Transport errors are retried by socket.io itself (the socket stays active); any other
    // middleware error is not, so retry it here with the same backoff.
    if (!this.socket.active) this.retryLater();
  }

  private onDisconnect(reason: string): void {
    const wasReady = this.greeted;
    this.greeted = false;
    clearInterval(this.heartbeatTimer);
    this.hooks.down(this, reason, wasReady);
    if (!this.closed && !this.socket.active) this.retryLater();
  }

  /** Exponential backoff for the reconnects socket.io leaves to us; it resets once a connection has lasted. */
  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    if (this.greetedAt > 0 && Date.now() - this.greetedAt > this.settings.reconnectDelayMaxMs) this.retries = 0;
    const base = Math.min(this.settings.reconnectDelayMaxMs, this.settings.reconnectDelayMs * 2 ** this.retries++);
    const delay = base * (0.5 + Math.random() * 0.5);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) this.socket.connect();
    }, delay);
  }

  private stopTimers(): void {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.retryTimer);
    this.heartbeatTimer = this.retryTimer = undefined;
  }
}
