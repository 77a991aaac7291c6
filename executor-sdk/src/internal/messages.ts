import type { HelloMessage, KillMessage, KillReason, RunDispatch, ServerNodeRef } from '@baton/protocol';
import type { RunInfo, RunParent } from '../run-context.js';

/**
 * Lenient readers for what servers send. The server is trusted but may be newer than this
 * SDK, so missing optional fields get defaults and only what the SDK cannot do without
 * (a run id, a node id) makes a message unusable.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const posInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

export const DEFAULT_HEARTBEAT_MS = 10_000;
const MIN_HEARTBEAT_MS = 100;

export function readHello(msg: unknown): HelloMessage | null {
  if (!isObj(msg) || !nonEmpty(msg.nodeId)) return null;
  const hb = typeof msg.heartbeatIntervalMs === 'number' && Number.isFinite(msg.heartbeatIntervalMs) ? msg.heartbeatIntervalMs : DEFAULT_HEARTBEAT_MS;
  return {
    nodeId: msg.nodeId,
    protocol: typeof msg.protocol === 'number' ? msg.protocol : 0,
    nodes: readNodes(msg.nodes),
    heartbeatIntervalMs: Math.max(MIN_HEARTBEAT_MS, hb),
    runLeaseMs: typeof msg.runLeaseMs === 'number' ? msg.runLeaseMs : 0,
  };
}

export function readNodes(nodes: unknown): ServerNodeRef[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.filter((n): n is ServerNodeRef => isObj(n) && nonEmpty(n.id) && nonEmpty(n.url)).map((n) => ({ id: n.id, url: n.url }));
}

/** A dispatched run, or null when it has no run id (it cannot even be rejected). */
export function readDispatch(run: unknown): (RunInfo & { handler: string }) | null {
  if (!isObj(run) || !nonEmpty(run.runId)) return null;
  const d = run as Partial<RunDispatch> & Obj;
  const scheduledAt = typeof d.scheduledAt === 'string' ? new Date(d.scheduledAt) : new Date(NaN);
  return {
    runId: d.runId!,
    attempt: posInt(d.attempt) ? d.attempt : 1,
    handler: typeof d.handler === 'string' ? d.handler : '',
    jobId: d.jobId === undefined || d.jobId === null ? '' : String(d.jobId),
    jobKey: typeof d.jobKey === 'string' ? d.jobKey : '',
    params: d.params === undefined ? null : d.params,
    shard: readShard(d.shard),
    scheduledAt: Number.isNaN(scheduledAt.getTime()) ? new Date() : scheduledAt,
    triggerType: typeof d.triggerType === 'string' ? d.triggerType : '',
    parent: isObj(d.parent) ? (d.parent as unknown as RunParent) : null,
    timeoutMs: typeof d.timeoutMs === 'number' && d.timeoutMs > 0 ? d.timeoutMs : 0,
  };
}

const KILL_REASONS: readonly KillReason[] = ['KILLED', 'TIMEOUT', 'COVERED'];

export function readKill(msg: unknown): KillMessage | null {
  if (!isObj(msg) || !nonEmpty(msg.runId)) return null;
  return {
    runId: msg.runId,
    attempt: posInt(msg.attempt) ? msg.attempt : 1,
    reason: KILL_REASONS.includes(msg.reason as KillReason) ? (msg.reason as KillReason) : 'KILLED',
    graceMs: typeof msg.graceMs === 'number' && msg.graceMs >= 0 ? msg.graceMs : Number.POSITIVE_INFINITY,
  };
}

function readShard(shard: unknown): { index: number; total: number } {
  if (isObj(shard) && Number.isInteger(shard.index) && posInt(shard.total)) return { index: shard.index as number, total: shard.total };
  return { index: 0, total: 1 };
}

/** Runs are identified by id and attempt: a new attempt of the same run id is a new execution. */
export const runKey = (runId: string, attempt: number) => `${runId}#${attempt}`;

/** The inverse of runKey. */
export function parseRunKey(key: string): { runId: string; attempt: number } {
  const hash = key.lastIndexOf('#');
  return { runId: key.slice(0, hash), attempt: Number(key.slice(hash + 1)) };
}
