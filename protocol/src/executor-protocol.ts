/**
 * The executor protocol (socket.io, namespace `/executors`), version 1.
 *
 * Executors dial out to every live server node and keep one socket to each; the leader
 * dispatches over its own socket. The database is the truth: a run row exists before it is
 * dispatched, every message carries `runId` and `attempt`, and both sides are idempotent
 * (the executor drops a duplicate dispatch, the server accepts a result once).
 *
 * Event names carry their version, so a later protocol can add `run.dispatch.v2` while old
 * executors keep working.
 */

export const EXECUTOR_PROTOCOL_VERSION = 1;
export const EXECUTOR_NAMESPACE = '/executors';

/** Sent as socket.io `auth` on every (re)connect. */
export interface ExecutorHandshake {
  protocol: number;
  app: string;
  /** The app's executor access token. */
  token: string;
  /** Stable for the life of the process; the same on every socket of one executor. */
  instanceId: string;
  hostname: string;
  pid: number;
  sdkVersion: string;
  handlers: string[];
  /** Most runs this instance executes at once. */
  concurrency: number;
  labels: Record<string, string>;
}

/**
 * Reasons a connection is refused for good; the socket.io `connect_error` message starts with
 * one, and an executor should not retry. A message starting with `UNAVAILABLE` means the server
 * could not check the handshake just now (e.g. its database is down): retry with backoff.
 */
export const HANDSHAKE_ERRORS = ['UNAUTHORIZED', 'UNSUPPORTED_PROTOCOL', 'INVALID_HANDSHAKE'] as const;
export type HandshakeError = (typeof HANDSHAKE_ERRORS)[number];
export const HANDSHAKE_UNAVAILABLE = 'UNAVAILABLE';

/*
 * Rules both sides rely on:
 * - A node keys executors by instanceId and keeps the newest socket of an instance. An executor
 *   that finds two sockets to one node (a seed URL and an advertised URL can name the same node)
 *   closes the OLDER one.
 * - The executor answers a dispatch (its ack) before it sends `run.started.v1` for those runs.
 * - `{ ok: false }` on a started or logs ack means the server will not take it (unknown run, or
 *   it already ended): drop it, do not retry.
 */

export interface ServerNodeRef {
  id: string;
  url: string;
}

/** First message on every accepted connection. */
export interface HelloMessage {
  nodeId: string;
  protocol: number;
  /** Every live server node: the executor keeps a socket to each. */
  nodes: ServerNodeRef[];
  /** Send a heartbeat on every socket at least this often. */
  heartbeatIntervalMs: number;
  /** A run whose executor stops heartbeating for this long is recovered as LOST. */
  runLeaseMs: number;
}

export interface RunShard {
  index: number;
  total: number;
}

export interface RunDispatch {
  runId: string;
  attempt: number;
  jobId: string;
  /** `app:name` */
  jobKey: string;
  handler: string;
  params: unknown;
  shard: RunShard;
  /** ISO instant the run was planned for. */
  scheduledAt: string;
  triggerType: string;
  /** 0 = no timeout. The executor aborts the handler's signal when it passes. */
  timeoutMs: number;
  /** Child runs: the run whose end started this one, and its result. */
  parent?: { runId: string; jobKey: string; status: string; result: unknown } | null;
}

export interface DispatchMessage {
  runs: RunDispatch[];
}

export interface DispatchReply {
  /** Runs the executor took (including duplicates of runs it already has). */
  accepted: string[];
  rejected: Array<{ runId: string; reason: 'AT_CAPACITY' | 'UNKNOWN_HANDLER' | 'DRAINING' }>;
}

export type KillReason = 'KILLED' | 'TIMEOUT' | 'COVERED';

export interface KillMessage {
  runId: string;
  attempt: number;
  reason: KillReason;
  /** After this long the server ends the run itself, whether the handler stopped or not. */
  graceMs: number;
}

export interface StartedMessage {
  runId: string;
  attempt: number;
  startedAt: string;
  /** The run's planned time, echoed from the dispatch, so the server measures start lateness without reading the run. */
  scheduledAt?: string;
}

export interface ProgressMessage {
  runId: string;
  attempt: number;
  /** 0-100 */
  progress: number;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogLine {
  at: string;
  level: LogLevel;
  message: string;
}

/** A batch of log lines; `seq` numbers the batches of one run from 1, so a re-sent batch is stored once. */
export interface LogsMessage {
  runId: string;
  attempt: number;
  seq: number;
  lines: LogLine[];
}

export type ExecutorOutcome = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED';

export interface RunError {
  message: string;
  stack?: string;
  /** false when the handler threw NonRetryableError: no further attempts. */
  retryable: boolean;
}

export interface ResultMessage {
  runId: string;
  attempt: number;
  outcome: ExecutorOutcome;
  /** SUCCEEDED: the handler's return value (JSON, size-capped). */
  result?: unknown;
  error?: RunError;
  startedAt?: string;
  finishedAt: string;
  /** The handler ignored the abort signal and was still running when the executor gave up on it. */
  handlerIgnoredAbort?: boolean;
}

export interface ResultReply {
  /** true when the server recorded it, or had already recorded it: either way, drop it. */
  accepted: boolean;
  /** Why it was not recorded (the run had already ended, e.g. as LOST). */
  reason?: string;
}

export interface HeartbeatMessage {
  /** Runs this instance is executing: their leases are extended, and they count against its concurrency. */
  inFlight: Array<{ runId: string; attempt: number }>;
  /**
   * Runs that finished here whose result the server has not acknowledged yet (it is in the
   * executor's outbox): their leases are extended too, so a live executor's finished run is
   * never recovered as LOST while its result is on the way. They do not count against concurrency.
   */
  pendingResults?: Array<{ runId: string; attempt: number }>;
  draining: boolean;
}

export interface Ack {
  ok: boolean;
}

export interface ServerToExecutorEvents {
  'hello.v1': (msg: HelloMessage) => void;
  'cluster.nodes.v1': (msg: { nodes: ServerNodeRef[] }) => void;
  'run.dispatch.v1': (msg: DispatchMessage, ack: (reply: DispatchReply) => void) => void;
  'run.kill.v1': (msg: KillMessage) => void;
  /** Stop taking new runs (the server is shutting down or an operator drains this instance). */
  'drain.v1': (msg: Record<string, never>) => void;
}

export interface ExecutorToServerEvents {
  'run.started.v1': (msg: StartedMessage, ack: (reply: Ack) => void) => void;
  'run.progress.v1': (msg: ProgressMessage) => void;
  'run.logs.v1': (msg: LogsMessage, ack: (reply: Ack) => void) => void;
  'run.result.v1': (msg: ResultMessage, ack: (reply: ResultReply) => void) => void;
  'heartbeat.v1': (msg: HeartbeatMessage, ack: (reply: Ack) => void) => void;
}
