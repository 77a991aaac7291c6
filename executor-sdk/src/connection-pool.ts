import type { DispatchMessage, DispatchReply, ExecutorHandshake, HandshakeError, HelloMessage, ServerNodeRef } from '@baton/protocol';
import { Connection, type ConnectionHooks, type ConnectionSettings } from './connection.js';
import type { Channel, ChannelPicker } from './outbox.js';
import type { SdkLogger } from './logger.js';

/** What the pool tells the executor. */
export interface PoolEvents {
  handshake(): ExecutorHandshake;
  /** A connection was greeted and kept (not a duplicate). */
  ready(conn: Connection, hello: HelloMessage): void;
  /** A connection that had been ready went down (it may come back). */
  down(conn: Connection, reason: string): void;
  refused(conn: Connection, code: HandshakeError, message: string): void;
  connectError(conn: Connection, error: Error): void;
  dispatch(conn: Connection, msg: DispatchMessage, ack: (reply: DispatchReply) => void): void;
  kill(conn: Connection, msg: unknown): void;
  drain(conn: Connection): void;
}

export interface ConnectionInfo {
  nodeId: string | null;
  url: string;
  connected: boolean;
}

/** `http://host:port` of a URL, or null when it is not an http(s)/ws(s) URL. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return null;
    return u.origin.replace(/^ws/, 'http');
  } catch {
    return null;
  }
}

/**
 * Keeps one socket per live server node. Seeds (from the options) bootstrap it; every hello
 * and cluster.nodes.v1 lists the live nodes, and the pool opens a socket to each one it does
 * not serve yet and drops the non-seed sockets to nodes no longer listed.
 *
 * Two sockets that turn out to reach the same node (a seed URL and an advertised URL, say)
 * are reduced to one by closing the OLDER: a node registers an executor instance under its
 * latest socket and forgets the instance when that socket closes, so closing the newer one
 * would make the node think the executor left. A seed closed this way is parked and reopened
 * when no socket is up, so the executor can always find its way back to the cluster.
 */
export class ConnectionPool implements ChannelPicker {
  private readonly conns = new Set<Connection>();
  private parked: string[] = [];
  private reviveTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly hooks: ConnectionHooks;

  constructor(
    private readonly seeds: readonly string[],
    private readonly settings: ConnectionSettings,
    private readonly events: PoolEvents,
    private readonly logger: SdkLogger,
  ) {
    this.hooks = {
      handshake: () => events.handshake(),
      hello: (conn, hello) => this.onHello(conn, hello),
      nodes: (conn, nodes) => this.reconcile(conn, nodes),
      down: (conn, reason, wasReady) => this.onDown(conn, reason, wasReady),
      refused: (conn, code, message) => {
        this.conns.delete(conn);
        events.refused(conn, code, message);
      },
      connectError: (conn, error) => events.connectError(conn, error),
      dispatch: (conn, msg, ack) => events.dispatch(conn, msg, ack),
      kill: (conn, msg) => events.kill(conn, msg),
      drain: (conn) => events.drain(conn),
    };
  }

  start(): void {
    for (const url of this.seeds) this.open(url, true, null);
  }

  pick(preferred: Channel | null): Channel | null {
    if (preferred?.ready) return preferred;
    for (const conn of this.conns) if (conn.ready) return conn;
    return null;
  }

  readyConnections(): Connection[] {
    return [...this.conns].filter((c) => c.ready);
  }

  describe(): ConnectionInfo[] {
    return [...this.conns].map((c) => ({ nodeId: c.nodeId, url: c.url, connected: c.ready }));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reviveTimer);
    for (const conn of [...this.conns]) conn.close();
    this.conns.clear();
  }

  private open(url: string, seed: boolean, nodeId: string | null): void {
    if (this.closed) return;
    const conn = new Connection(url, seed, this.settings, this.hooks, this.logger, nodeId);
    this.conns.add(conn);
    conn.open();
  }

  private onHello(conn: Connection, hello: HelloMessage): void {
    if (!this.conns.has(conn)) return;
    const twin = [...this.conns].find((c) => c !== conn && c.nodeId === hello.nodeId);
    if (twin) {
      this.logger.info(`${conn.url} reaches node ${hello.nodeId}, already served by ${twin.url}; keeping the newer socket and closing the older`);
      this.retire(twin);
    }
    this.reconcile(conn, hello.nodes);
    if (!this.conns.has(conn)) return;
    conn.markReady();
    this.events.ready(conn, hello);
  }

  /** Opens sockets to listed nodes not served yet; drops discovered sockets to unlisted ones. */
  private reconcile(from: Connection, nodes: ServerNodeRef[]): void {
    if (this.closed || nodes.length === 0) return;
    const listed = new Map(nodes.map((n) => [n.id, n.url]));
    for (const conn of [...this.conns]) {
      if (conn.seed || conn === from || conn.nodeId === null || listed.has(conn.nodeId)) continue;
      this.logger.info(`Node ${conn.nodeId} (${conn.url}) is no longer listed; closing its socket`);
      this.retire(conn);
    }
    for (const [id, url] of listed) {
      const origin = originOf(url);
      if (!origin) {
        this.logger.warn(`Node ${id} advertises an unusable URL ${JSON.stringify(url)}; not connecting to it`);
        continue;
      }
      // The node moved (or first advertised an address that was never reachable): follow it.
      const stale = [...this.conns].find((c) => !c.seed && c.nodeId === id && c.url !== origin && !c.ready);
      if (stale) {
        this.logger.info(`Node ${id} now advertises ${origin} instead of ${stale.url}; reconnecting there`);
        this.retire(stale);
      }
      // A seed not greeted yet may be this very node: let its hello decide.
      const served = [...this.conns].some((c) => c.nodeId === id || (c.nodeId === null && c.url === origin));
      if (!served) this.open(origin, false, id);
    }
  }

  private onDown(conn: Connection, reason: string, wasReady: boolean): void {
    if (wasReady) this.events.down(conn, reason);
    if (!this.closed && this.parked.length > 0 && this.readyConnections().length === 0) this.scheduleRevive();
  }

  private retire(conn: Connection): void {
    this.conns.delete(conn);
    if (conn.seed) this.parked.push(conn.url);
    conn.close();
  }

  private scheduleRevive(): void {
    if (this.reviveTimer) return;
    this.reviveTimer = setTimeout(() => {
      this.reviveTimer = undefined;
      if (this.closed || this.readyConnections().length > 0) return;
      const urls = this.parked;
      this.parked = [];
      for (const url of urls) this.open(url, true, null);
    }, this.settings.reconnectDelayMs);
  }
}
