import { LOG_LEVELS, type ExecutorHandshake, type HeartbeatMessage, type LogLine, type LogsMessage, type ProgressMessage, type ResultMessage, type StartedMessage } from '@baton/protocol';
import { isId } from '../../common/http/id-params.js';

/**
 * Parsers for what executors send. Anything malformed is refused here, at the edge, so the
 * services below only ever see well-formed messages. Each returns the message or null.
 */

const HANDLER = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;
const INSTANCE = /^[A-Za-z0-9._:-]{1,64}$/;
const MAX_LINES = 1000;
const MAX_LINE_CHARS = 16_384;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const int = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const runRef = (o: Obj) => typeof o.runId === 'string' && isId(o.runId) && int(o.attempt, 1, 1000);

/** Returns the handshake, or a sentence saying what is wrong with it. */
export function parseHandshake(auth: unknown): ExecutorHandshake | string {
  if (!isObj(auth)) return 'the handshake auth must be an object';
  if (!int(auth.protocol, 1, 1000)) return 'protocol must be a positive integer';
  if (!str(auth.app, 64)) return 'app is required';
  if (!str(auth.token, 512)) return 'token is required';
  if (typeof auth.instanceId !== 'string' || !INSTANCE.test(auth.instanceId)) return 'instanceId must be 1-64 letters, digits or ._:-';
  if (!Array.isArray(auth.handlers) || auth.handlers.length > 1000 || !auth.handlers.every((h) => typeof h === 'string' && HANDLER.test(h))) return 'handlers must be a list of handler names';
  if (!int(auth.concurrency, 1, 100_000)) return 'concurrency must be a positive integer';
  const labels = auth.labels ?? {};
  if (!isObj(labels) || Object.keys(labels).length > 50 || !Object.values(labels).every((v) => typeof v === 'string' && v.length <= 256)) return 'labels must be an object of strings';
  return {
    protocol: auth.protocol as number,
    app: auth.app as string,
    token: auth.token as string,
    instanceId: auth.instanceId,
    hostname: typeof auth.hostname === 'string' ? auth.hostname.slice(0, 255) : '',
    pid: int(auth.pid, 0, 2 ** 31) ? (auth.pid as number) : 0,
    sdkVersion: typeof auth.sdkVersion === 'string' ? auth.sdkVersion.slice(0, 32) : '',
    handlers: [...new Set(auth.handlers as string[])],
    concurrency: auth.concurrency as number,
    labels: labels as Record<string, string>,
  };
}

export function parseStarted(m: unknown): StartedMessage | null {
  return isObj(m) && runRef(m) && typeof m.startedAt === 'string' ? (m as unknown as StartedMessage) : null;
}

export function parseProgress(m: unknown): ProgressMessage | null {
  return isObj(m) && runRef(m) && typeof m.progress === 'number' && Number.isFinite(m.progress) ? (m as unknown as ProgressMessage) : null;
}

export function parseLogs(m: unknown): LogsMessage | null {
  if (!isObj(m) || !runRef(m) || !int(m.seq, 1, 10_000_000) || !Array.isArray(m.lines) || m.lines.length > MAX_LINES) return null;
  const lines: LogLine[] = [];
  for (const l of m.lines) {
    if (!isObj(l) || typeof l.message !== 'string') return null;
    const level = (LOG_LEVELS as readonly unknown[]).includes(l.level) ? (l.level as LogLine['level']) : 'info';
    const at = typeof l.at === 'string' && !Number.isNaN(Date.parse(l.at)) ? l.at : new Date().toISOString();
    lines.push({ at, level, message: l.message.length > MAX_LINE_CHARS ? `${l.message.slice(0, MAX_LINE_CHARS)}… [line truncated]` : l.message });
  }
  return { runId: m.runId as string, attempt: m.attempt as number, seq: m.seq as number, lines };
}

const OUTCOMES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'];

export function parseResult(m: unknown): ResultMessage | null {
  if (!isObj(m) || !runRef(m) || !OUTCOMES.includes(m.outcome as string) || typeof m.finishedAt !== 'string') return null;
  if (m.error !== undefined && m.error !== null && (!isObj(m.error) || typeof m.error.message !== 'string')) return null;
  return m as unknown as ResultMessage;
}

const runRefs = (v: unknown): v is HeartbeatMessage['inFlight'] => Array.isArray(v) && v.length <= 100_000 && v.every((r) => isObj(r) && runRef(r));

export function parseHeartbeat(m: unknown): HeartbeatMessage | null {
  if (!isObj(m) || !runRefs(m.inFlight)) return null;
  const pending = m.pendingResults ?? [];
  if (!runRefs(pending)) return null;
  return { inFlight: m.inFlight, pendingResults: pending, draining: m.draining === true };
}
