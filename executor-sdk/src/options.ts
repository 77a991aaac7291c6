import { hostname as osHostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { resolveLogger, type ExecutorLogger, type SdkLogger } from './logger.js';
import { originOf } from './connection-pool.js';

export interface ExecutorOptions {
  /** Seed URLs of one or more server nodes, e.g. `['http://baton-1:8080']`. The others are discovered. */
  servers: string[];
  /** The app this executor serves. */
  app: string;
  /** The app's executor token (pass it in; the SDK never reads the environment). */
  token: string;
  /** Most runs executed at once. Default 1. */
  concurrency?: number;
  labels?: Record<string, string>;
  /** Stable for the process; default a random UUID. Letters, digits and `._:-`, at most 64. */
  instanceId?: string;
  /** Default `os.hostname()`. */
  hostname?: string;
  /** The SDK's own diagnostics. Default: console, warnings and errors only. `null` = silent. */
  logger?: ExecutorLogger | null;
  /** Largest result, as JSON bytes; larger fails the run (not retryable). Default 65536. */
  maxResultBytes?: number;
  /** Most finished runs whose result awaits the server's ack; the oldest is dropped beyond. Default 10000. */
  maxBufferedResults?: number;
  /** How long a handler may keep running after its signal is aborted. Default 10000. */
  killGraceMs?: number;
  /** start() rejects if no server answers within this. Default 30000. */
  startTimeoutMs?: number;
  /** socket.io reconnection backoff: first delay and cap. Defaults 500 and 10000. */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  /** socket.io path on the servers. Default '/socket.io'. */
  path?: string;
  /** When true, SIGTERM and SIGINT call close(). Default false. */
  handleSignals?: boolean;
}

export interface ResolvedOptions {
  servers: string[];
  app: string;
  token: string;
  concurrency: number;
  labels: Record<string, string>;
  instanceId: string;
  hostname: string;
  logger: SdkLogger;
  maxResultBytes: number;
  maxBufferedResults: number;
  killGraceMs: number;
  startTimeoutMs: number;
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  path: string;
  handleSignals: boolean;
}

/** The server's rule for instance ids. */
const INSTANCE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function fail(message: string): never {
  throw new TypeError(`createExecutor: ${message}`);
}

function int(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) fail(`${name} must be an integer >= ${min} (got ${String(value)})`);
  return value;
}

function seeds(servers: unknown): string[] {
  if (!Array.isArray(servers) || servers.length === 0) fail('servers must list at least one server URL');
  const out: string[] = [];
  for (const s of servers) {
    const origin = typeof s === 'string' ? originOf(s) : null;
    if (!origin) fail(`${JSON.stringify(s)} is not an http(s) URL`);
    const path = new URL(s as string).pathname;
    if (path !== '/' && path !== '') fail(`${JSON.stringify(s)} has a path; give the server origin (use the \`path\` option for a proxy prefix)`);
    if (!out.includes(origin)) out.push(origin);
  }
  return out;
}

function labels(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    fail('labels must be an object of strings');
  }
  return { ...(value as Record<string, string>) };
}

/** Validates the options and fills in defaults; throws a TypeError naming the bad option. */
export function resolveOptions(o: ExecutorOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null) fail('options are required');
  if (typeof o.app !== 'string' || o.app.length === 0) fail('app is required');
  if (typeof o.token !== 'string' || o.token.length === 0) fail('token is required');
  const instanceId = o.instanceId ?? randomUUID();
  if (!INSTANCE_ID.test(instanceId)) fail('instanceId must be 1-64 letters, digits or ._:-');
  const reconnectDelayMs = int(o.reconnectDelayMs, 500, 'reconnectDelayMs', 1);
  return {
    servers: seeds(o.servers),
    app: o.app,
    token: o.token,
    concurrency: int(o.concurrency, 1, 'concurrency', 1),
    labels: labels(o.labels),
    instanceId,
    hostname: o.hostname ?? osHostname(),
    logger: resolveLogger(o.logger),
    maxResultBytes: int(o.maxResultBytes, 65_536, 'maxResultBytes', 1),
    maxBufferedResults: int(o.maxBufferedResults, 10_000, 'maxBufferedResults', 1),
    killGraceMs: int(o.killGraceMs, 10_000, 'killGraceMs', 0),
    startTimeoutMs: int(o.startTimeoutMs, 30_000, 'startTimeoutMs', 1),
    reconnectDelayMs,
    reconnectDelayMaxMs: Math.max(reconnectDelayMs, int(o.reconnectDelayMaxMs, 10_000, 'reconnectDelayMaxMs', 1)),
    path: o.path ?? '/socket.io',
    handleSignals: o.handleSignals ?? false,
  };
}
