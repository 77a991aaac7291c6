import { EXECUTOR_PROTOCOL_VERSION, type ExecutorHandshake, type HelloMessage } from '@baton/protocol';
import { ConnectionPool, type PoolEvents } from './connection-pool.js';
import type { Connection } from './connection.js';
import { ExecutorRefusedError } from './errors.js';
import { assertHandlerName } from './handler-name.js';
import { TypedEmitter } from './internal/emitter.js';
import { resolveOptions, type ExecutorOptions, type ResolvedOptions } from './options.js';
import { Outbox } from './outbox.js';
import type { Handler } from './run-context.js';
import { RunManager, type RunFinishedEvent, type RunStartedEvent } from './run-manager.js';
import { SDK_VERSION } from './version.js';

/** An unanswered message is sent again after this long (its run's lease is kept alive meanwhile by heartbeats). */
const ACK_TIMEOUT_MS = 10_000;
/** close(): how long to wait for the server to acknowledge the last logs and results. */
const CLOSE_FLUSH_MS = 2_000;

export interface ExecutorEvents {
  /** A socket to a server node was greeted (hello.v1). */
  connected: (info: { nodeId: string; url: string }) => void;
  /** A greeted socket went down; it reconnects unless the executor is closing or the node left. */
  disconnected: (info: { nodeId: string | null; url: string; reason: string }) => void;
  /** Trouble that needs an operator, e.g. a server refusing the handshake after start(). */
  error: (error: Error) => void;
  'run.started': (run: RunStartedEvent) => void;
  /** The handler settled (or was abandoned); the result is on its way to the server. */
  'run.finished': (run: RunFinishedEvent) => void;
  /** close() has finished. */
  closed: () => void;
}

export interface ExecutorStats {
  /** Runs executing now. */
  inFlight: number;
  /** Finished runs whose result the server has not acknowledged yet. */
  bufferedResults: number;
  connections: Array<{ nodeId: string | null; url: string; connected: boolean }>;
}

export interface CloseOptions {
  /** How long to let running handlers finish before aborting them with 'SHUTDOWN'. Default 30000. */
  timeoutMs?: number;
}

export interface Executor {
  readonly instanceId: string;
  /**
   * Registers the handler for a name (`^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$`); throws on a bad
   * or duplicate name. Handlers registered after start() reach the servers with the next
   * (re)connect handshake.
   */
  handle<P = any>(name: string, handler: Handler<P>): this;
  /** Connects; resolves on the first hello.v1, rejects at once if a server refuses the handshake, or after startTimeoutMs. */
  start(): Promise<void>;
  /** Drains, lets running handlers finish (up to timeoutMs), aborts the rest, flushes, disconnects. Idempotent. */
  close(options?: CloseOptions): Promise<void>;
  on<K extends keyof ExecutorEvents>(event: K, listener: ExecutorEvents[K]): this;
  off<K extends keyof ExecutorEvents>(event: K, listener: ExecutorEvents[K]): this;
  stats(): ExecutorStats;
}

/** Creates an executor; nothing connects until start(). Throws a TypeError on invalid options. */
export function createExecutor(options: ExecutorOptions): Executor {
  return new BatonExecutor(resolveOptions(options));
}

class BatonExecutor implements Executor {
  readonly instanceId: string;
  private readonly handlers = new Map<string, Handler>();
  private readonly emitter: TypedEmitter<ExecutorEvents>;
  private readonly outbox: Outbox;
  private readonly runs: RunManager;
  private pool: ConnectionPool | null = null;
  private starting: Promise<void> | null = null;
  /** Settles the pending start(). */
  private gate: { resolve(): void; reject(error: Error): void } | null = null;
  private started = false;
  private closing: Promise<void> | null = null;
  private lastConnectError: string | null = null;
  private readonly quietOutage = new WeakSet<Connection>();
  private signalHandler: ((signal: NodeJS.Signals) => void) | null = null;

  constructor(private readonly o: ResolvedOptions) {
    this.instanceId = o.instanceId;
    this.emitter = new TypedEmitter((event, error) => o.logger.error(`A '${event}' listener threw: ${(error as Error)?.stack ?? String(error)}`));
    this.outbox = new Outbox({ picker: { pick: (preferred) => this.pool?.pick(preferred) ?? null }, logger: o.logger, maxBufferedResults: o.maxBufferedResults });
    this.runs = new RunManager({
      handlers: this.handlers,
      concurrency: o.concurrency,
      killGraceMs: o.killGraceMs,
      maxResultBytes: o.maxResultBytes,
      outbox: this.outbox,
      logger: o.logger,
      onStarted: (event) => this.emitter.emit('run.started', event),
      onFinished: (event) => this.emitter.emit('run.finished', event),
    });
  }

  handle<P>(name: string, handler: Handler<P>): this {
    assertHandlerName(name);
    if (typeof handler !== 'function') throw new TypeError(`The handler for "${name}" must be a function`);
    if (this.handlers.has(name)) throw new Error(`A handler named "${name}" is already registered`);
    this.handlers.set(name, handler as Handler);
    if (this.started) this.o.logger.info(`Handler ${name} was registered after start(): servers learn about it on the next (re)connect`);
    return this;
  }

  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('The Baton executor is closed; create a new one to start again'));
    this.starting ??= this.connect().catch((error: unknown) => {
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? 30_000);
    return this.closing;
  }

  on<K extends keyof ExecutorEvents>(event: K, listener: ExecutorEvents[K]): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<K extends keyof ExecutorEvents>(event: K, listener: ExecutorEvents[K]): this {
    this.emitter.off(event, listener);
    return this;
  }

  stats(): ExecutorStats {
    return { inFlight: this.runs.inFlight, bufferedResults: this.outbox.bufferedResults, connections: this.pool?.describe() ?? [] };
  }

  private connect(): Promise<void> {
    if (this.handlers.size === 0) this.o.logger.warn('start() with no handlers registered: servers will dispatch nothing to this executor');
    this.installSignals();
    const { o } = this;
    const pool = new ConnectionPool(
      o.servers,
      { path: o.path, reconnectDelayMs: o.reconnectDelayMs, reconnectDelayMaxMs: o.reconnectDelayMaxMs, ackTimeoutMs: ACK_TIMEOUT_MS },
      this.poolEvents(),
      o.logger,
    );
    this.pool = pool;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = this.lastConnectError ? `; last error: ${this.lastConnectError}` : '';
        this.gate?.reject(new Error(`No Baton server answered within ${o.startTimeoutMs} ms (${o.servers.join(', ')})${last}`));
      }, o.startTimeoutMs);
      this.gate = {
        resolve: () => {
          clearTimeout(timer);
          this.gate = null;
          this.started = true;
          resolve();
        },
        reject: (error) => {
          // Give up entirely: no socket keeps retrying behind a failed start().
          clearTimeout(timer);
          this.gate = null;
          pool.close();
          if (this.pool === pool) this.pool = null;
          reject(error);
        },
      };
      pool.start();
    });
  }

  private poolEvents(): PoolEvents {
    const { logger } = this.o;
    return {
      handshake: () => this.handshake(),
      ready: (conn, hello) => this.onReady(conn, hello),
      down: (conn, reason) => {
        this.outbox.channelDown(conn);
        logger.info(`Disconnected from node ${conn.nodeId} (${conn.url}): ${reason}`);
        this.emitter.emit('disconnected', { nodeId: conn.nodeId, url: conn.url, reason });
      },
      refused: (conn, code, message) => {
        const error = new ExecutorRefusedError(code, conn.url, message);
        if (this.gate) return this.gate.reject(error);
        logger.error(`${error.message}; not reconnecting to it`);
        this.emitter.emit('error', error);
      },
      connectError: (conn, error) => {
        this.lastConnectError = `${conn.url}: ${error.message}`;
        // One warning per outage and socket; the retries themselves are debug noise.
        if (this.quietOutage.has(conn)) logger.debug(`Cannot connect to ${conn.url}: ${error.message}`);
        else logger.warn(`Cannot connect to ${conn.url} (${error.message}); retrying`);
        this.quietOutage.add(conn);
      },
      dispatch: (conn, msg, ack) => {
        const { reply, launch } = this.runs.dispatch(conn, msg);
        try {
          ack(reply);
        } finally {
          launch();
        }
      },
      kill: (_conn, msg) => this.runs.kill(msg),
      drain: (conn) => {
        logger.info(`Node ${conn.nodeId} asked this executor to drain: no new runs will be accepted`);
        this.runs.drain();
        this.broadcastHeartbeat();
      },
    };
  }

  private onReady(conn: Connection, hello: HelloMessage): void {
    this.quietOutage.delete(conn);
    if (hello.protocol !== EXECUTOR_PROTOCOL_VERSION) {
      this.o.logger.warn(`Node ${hello.nodeId} speaks executor protocol ${hello.protocol}; this SDK speaks ${EXECUTOR_PROTOCOL_VERSION}`);
    }
    this.o.logger.info(`Connected to node ${hello.nodeId} (${conn.url})`);
    conn.startHeartbeat(hello.heartbeatIntervalMs, () => this.runs.heartbeat());
    this.outbox.pump();
    this.emitter.emit('connected', { nodeId: hello.nodeId, url: conn.url });
    this.gate?.resolve();
  }

  private handshake(): ExecutorHandshake {
    const { o } = this;
    return {
      protocol: EXECUTOR_PROTOCOL_VERSION,
      app: o.app,
      token: o.token,
      instanceId: o.instanceId,
      hostname: o.hostname,
      pid: process.pid,
      sdkVersion: SDK_VERSION,
      handlers: [...this.handlers.keys()],
      concurrency: o.concurrency,
      labels: o.labels,
    };
  }

  private broadcastHeartbeat(): void {
    const beat = this.runs.heartbeat();
    for (const conn of this.pool?.readyConnections() ?? []) conn.heartbeat(beat);
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const { logger } = this.o;
    this.runs.drain();
    this.gate?.reject(new Error('The Baton executor was closed before it connected'));
    this.broadcastHeartbeat();
    if (!(await this.runs.whenIdle(timeoutMs))) {
      logger.warn(`close(): ${this.runs.inFlight} run(s) still running after ${timeoutMs} ms; aborting them (SHUTDOWN)`);
      this.runs.abortAll('SHUTDOWN');
      // Each slot reports by itself at most killGraceMs after its abort.
      await this.runs.whenIdle(this.o.killGraceMs + 1_000);
    }
    if (this.pool && !(await this.outbox.changed.until(() => this.outbox.isEmpty, CLOSE_FLUSH_MS))) {
      logger.warn(`close(): ${this.outbox.bufferedResults} result(s) were not acknowledged by a server and are lost`);
    }
    this.pool?.close();
    this.pool = null;
    this.outbox.dispose();
    this.removeSignals();
    this.emitter.emit('closed');
  }

  private installSignals(): void {
    if (!this.o.handleSignals || this.signalHandler) return;
    this.signalHandler = (signal) => this.onSignal(signal);
    process.on('SIGTERM', this.signalHandler);
    process.on('SIGINT', this.signalHandler);
  }

  private removeSignals(): void {
    if (!this.signalHandler) return;
    process.off('SIGTERM', this.signalHandler);
    process.off('SIGINT', this.signalHandler);
    this.signalHandler = null;
  }

  /** First signal: close gracefully, then let the signal take its default course. Second: stop waiting. */
  private onSignal(signal: NodeJS.Signals): void {
    if (this.closing) {
      this.o.logger.warn(`${signal} again while closing; not waiting any longer`);
      this.reraise(signal);
      return;
    }
    this.o.logger.info(`${signal}: closing the executor`);
    void this.close().then(() => this.reraise(signal));
  }

  /** Re-delivers the signal so the process ends as it would have without us, unless the app handles it itself. */
  private reraise(signal: NodeJS.Signals): void {
    this.removeSignals();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  }
}
