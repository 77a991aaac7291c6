import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace, type Socket } from 'socket.io';
import {
  EXECUTOR_NAMESPACE,
  EXECUTOR_PROTOCOL_VERSION,
  type DispatchReply,
  type ExecutorHandshake,
  type ExecutorToServerEvents,
  type KillMessage,
  type ResultReply,
  type RunDispatch,
  type ServerNodeRef,
  type ServerToExecutorEvents,
} from '@baton/protocol';

type FakeSocket = Socket<ExecutorToServerEvents, ServerToExecutorEvents>;

export interface FakeServerOptions {
  token?: string;
  nodeId?: string;
  port?: number;
  heartbeatIntervalMs?: number;
  /** The node list sent in hello; default: this node alone. */
  nodes?: () => ServerNodeRef[];
  /** How results are answered; null = never acknowledge. Default: accepted. */
  resultReply?: (msg: any) => ResultReply | null;
}

export interface Received {
  event: string;
  msg: any;
  socketId: string;
}

let runCounter = 0;

/** A full dispatch with a unique run id; override what the test cares about. */
export function aRun(overrides: Partial<RunDispatch> = {}): RunDispatch {
  runCounter++;
  return {
    runId: `run-${process.pid}-${runCounter}`,
    attempt: 1,
    jobId: `job-${runCounter}`,
    jobKey: 'billing:report',
    handler: 'test.ok',
    params: {},
    shard: { index: 0, total: 1 },
    scheduledAt: new Date().toISOString(),
    triggerType: 'MANUAL',
    timeoutMs: 0,
    parent: null,
    ...overrides,
  };
}

/**
 * A minimal Baton server node: the /executors namespace with the token check, hello.v1 on
 * connect, acks for everything, and a record of what executors sent.
 */
export class FakeServer {
  readonly received: Received[] = [];
  readonly handshakes: ExecutorHandshake[] = [];
  /** Socket ids in the order they connected. */
  readonly connectionIds: string[] = [];
  authAttempts = 0;
  readonly nodeId: string;
  token: string;
  port = 0;
  private http!: HttpServer;
  private io!: Server;
  private ns!: Namespace<ExecutorToServerEvents, ServerToExecutorEvents>;

  private constructor(private readonly options: FakeServerOptions) {
    this.nodeId = options.nodeId ?? `node-${randomUUID().slice(0, 8)}`;
    this.token = options.token ?? 'secret';
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    const server = new FakeServer(options);
    await server.listen(options.port ?? 0);
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The same node under another name, like an advertised URL next to a seed URL. */
  get aliasUrl(): string {
    return `http://localhost:${this.port}`;
  }

  get sockets(): FakeSocket[] {
    return this.ns ? [...this.ns.sockets.values()] : [];
  }

  of(event: string): any[] {
    return this.received.filter((r) => r.event === event).map((r) => r.msg);
  }

  resultsFor(runId: string): any[] {
    return this.of('run.result.v1').filter((m) => m.runId === runId);
  }

  async dispatch(runs: RunDispatch[], socket = this.sockets[0]): Promise<DispatchReply> {
    if (!socket) throw new Error('no executor connected');
    return socket.timeout(5_000).emitWithAck('run.dispatch.v1', { runs });
  }

  kill(msg: Partial<KillMessage> & { runId: string }): void {
    for (const s of this.sockets) s.emit('run.kill.v1', { attempt: 1, reason: 'KILLED', graceMs: 60_000, ...msg });
  }

  emitToAll<E extends keyof ServerToExecutorEvents>(event: E, ...args: Parameters<ServerToExecutorEvents[E]>): void {
    for (const s of this.sockets) (s.emit as (...a: unknown[]) => void)(event, ...args);
  }

  /** Server-side disconnect: socket.io clients do not reconnect by themselves after this one. */
  disconnectAll(): void {
    for (const s of this.sockets) s.disconnect();
  }

  async stop(): Promise<void> {
    // io.close() also closes the HTTP server.
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }

  /** Back on the same port, as a node restarting. */
  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    this.http = createServer();
    this.io = new Server(this.http, { serveClient: false });
    this.ns = this.io.of(EXECUTOR_NAMESPACE);
    this.ns.use((socket, next) => {
      this.authAttempts++;
      const auth = socket.handshake.auth as ExecutorHandshake;
      if (auth.token !== this.token) return next(new Error('UNAUTHORIZED: invalid executor token'));
      if (auth.protocol !== EXECUTOR_PROTOCOL_VERSION) return next(new Error('UNSUPPORTED_PROTOCOL: this server speaks protocol 1'));
      this.handshakes.push(auth);
      next();
    });
    this.ns.on('connection', (socket) => this.onConnection(socket));
    await new Promise<void>((resolve) => this.http.listen(port, resolve));
    this.port = (this.http.address() as AddressInfo).port;
  }

  private onConnection(socket: FakeSocket): void {
    this.connectionIds.push(socket.id);
    const record = (event: string, msg: unknown) => this.received.push({ event, msg, socketId: socket.id });
    socket.on('run.started.v1', (msg, ack) => (record('run.started.v1', msg), ack({ ok: true })));
    socket.on('run.logs.v1', (msg, ack) => (record('run.logs.v1', msg), ack({ ok: true })));
    socket.on('run.progress.v1', (msg) => record('run.progress.v1', msg));
    socket.on('heartbeat.v1', (msg, ack) => (record('heartbeat.v1', msg), ack({ ok: true })));
    socket.on('run.result.v1', (msg, ack) => {
      record('run.result.v1', msg);
      const reply = this.options.resultReply ? this.options.resultReply(msg) : { accepted: true };
      if (reply) ack(reply);
    });
    const nodes = this.options.nodes?.() ?? [{ id: this.nodeId, url: this.url }];
    socket.emit('hello.v1', { nodeId: this.nodeId, protocol: EXECUTOR_PROTOCOL_VERSION, nodes, heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 10_000, runLeaseMs: 30_000 });
  }
}
