import { setTimeout as sleep } from 'node:timers/promises';
import {
  FINAL_RUN_STATUSES,
  type Page,
  type RunDto,
  type RunShard,
  type RunStatus,
  type TriggerBatchResponse,
  type TriggerRequest,
  type TriggerType,
} from '@baton/protocol';
import { BatonTimeoutError } from './errors.js';
import { Http, type FetchFn } from './http.js';

export interface ClientOptions {
  /** A server (or load balancer) origin such as `http://baton:8080`, optionally with a proxy prefix. `/api/v1` is added. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Per-request timeout. Default 30000. waitForRun's long polls get their wait on top. */
  timeoutMs?: number;
  /** Default: the global fetch. */
  fetch?: FetchFn;
}

export interface TriggerOptions {
  /** Run after this long: milliseconds or an ISO 8601 duration (`PT30M`). Exclusive with `runAt`. */
  delay?: number | string;
  /** When to run; a past instant means now. Exclusive with `delay`. */
  runAt?: Date | string;
  /** The same key for the same job returns the same run (`created: false`); with other params: IDEMPOTENCY_CONFLICT. */
  idempotencyKey?: string;
  shard?: RunShard;
}

/** One request of a batch: a trigger's options plus its params (omit them for the job's own). */
export interface TriggerBatchEntry extends TriggerOptions {
  params?: unknown;
}

/** A triggered run; `created` is false when an earlier run with the same idempotency key was returned. */
export type TriggeredRun = RunDto & { created: boolean };

export interface WaitForRunOptions {
  /** Overall limit. Default 60000. */
  timeoutMs?: number;
}

/** Filters of `GET /runs`; newest first. */
export interface ListRunsQuery {
  /** Job id or `app:name`. */
  job?: string;
  /** App name or id. */
  app?: string;
  status?: RunStatus;
  triggerType?: TriggerType;
  /** true: only the dead-letter list. */
  dead?: boolean;
  /** 1-200, default 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface BatonClient {
  trigger(job: string, params?: unknown, options?: TriggerOptions): Promise<TriggeredRun>;
  triggerBatch(job: string, requests: TriggerBatchEntry[]): Promise<TriggerBatchResponse>;
  getRun(runId: string): Promise<RunDto>;
  /** Resolves with the run once it has ended; rejects with BatonTimeoutError after `timeoutMs`. */
  waitForRun(runId: string, options?: WaitForRunOptions): Promise<RunDto>;
  /** Cancels a run not yet sent to an executor; a sent one gets RUN_ALREADY_STARTED (kill it). */
  cancel(runId: string): Promise<RunDto>;
  kill(runId: string): Promise<RunDto>;
  listRuns(query?: ListRunsQuery): Promise<Page<RunDto>>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_WAIT_TIMEOUT_MS = 60_000;
/** Per long poll; the server allows 60 s, but shorter polls survive proxies with idle timeouts. */
const MAX_WAIT_PER_CALL_MS = 30_000;
/** Least time between two polls, so a server (or proxy) that ignores waitMs is not hammered. */
const MIN_POLL_GAP_MS = 200;
const FINAL: ReadonlySet<RunStatus> = new Set(FINAL_RUN_STATUSES);

function fail(method: string, message: string): never {
  throw new TypeError(`${method}: ${message}`);
}

function nonEmpty(method: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') fail(method, `${name} must be a non-empty string (got ${JSON.stringify(value)})`);
  return value;
}

function duration(method: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(method, `${name} must be a number of milliseconds >= 0 (got ${String(value)})`);
  return value;
}

/** `/api/v1` is appended unless the URL already ends with it, so both spellings work. */
function baseUrl(url: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    /* reported below */
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) fail('createClient', `url must be an http(s) URL (got ${JSON.stringify(url)})`);
  if (parsed.search || parsed.hash) fail('createClient', `url must not have a query or fragment (got ${JSON.stringify(url)})`);
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path.endsWith('/api/v1') ? path : `${path}/api/v1`}`;
}

/** Checks what the server would refuse anyway, so the mistake surfaces at the call site, not as a 400. */
function toRequest(method: string, params: unknown, options: TriggerOptions | undefined): TriggerRequest {
  if (options === undefined) return params === undefined ? {} : { params };
  if (typeof options !== 'object' || options === null) fail(method, 'options must be an object');
  const { delay, runAt, idempotencyKey, shard } = options;
  if (delay !== undefined && runAt !== undefined) fail(method, 'give delay or runAt, not both');
  const req: TriggerRequest = {};
  if (params !== undefined) req.params = params;
  if (delay !== undefined) {
    if (typeof delay === 'number' ? !Number.isInteger(delay) || delay < 0 : typeof delay !== 'string' || delay === '') {
      fail(method, `delay must be whole milliseconds >= 0 or an ISO 8601 duration such as "PT30M" (got ${JSON.stringify(delay)})`);
    }
    req.delay = delay;
  }
  if (runAt !== undefined) {
    if (runAt instanceof Date) {
      if (Number.isNaN(runAt.getTime())) fail(method, 'runAt is an invalid Date');
      req.runAt = runAt.toISOString();
    } else {
      req.runAt = nonEmpty(method, 'runAt', runAt);
    }
  }
  if (idempotencyKey !== undefined) req.idempotencyKey = nonEmpty(method, 'idempotencyKey', idempotencyKey);
  if (shard !== undefined) {
    if (typeof shard !== 'object' || shard === null || !Number.isInteger(shard.index) || !Number.isInteger(shard.total) || shard.index < 0 || shard.index >= shard.total) {
      fail(method, `shard must be { index, total } with 0 <= index < total (got ${JSON.stringify(shard)})`);
    }
    req.shard = { index: shard.index, total: shard.total };
  }
  return req;
}

/** A typed client for the Baton REST API: trigger runs from your services and follow them. */
export function createClient(options: ClientOptions): BatonClient {
  if (typeof options !== 'object' || options === null) fail('createClient', 'options must be an object with at least { url }');
  const timeoutMs = duration('createClient', 'timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  if (timeoutMs === 0) fail('createClient', 'timeoutMs must be > 0');
  if (options.apiKey !== undefined) nonEmpty('createClient', 'apiKey', options.apiKey);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') fail('createClient', 'fetch must be a function');
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') fail('createClient', 'no global fetch (Node 20+ has one); pass options.fetch');
  const http = new Http({ baseUrl: baseUrl(options.url), apiKey: options.apiKey, timeoutMs, fetch: fetchFn });

  const jobPath = (method: string, job: string) => `/jobs/${encodeURIComponent(nonEmpty(method, 'job', job))}`;
  const runPath = (method: string, runId: string) => `/runs/${encodeURIComponent(nonEmpty(method, 'runId', runId))}`;

  return {
    async trigger(job, params, opts) {
      const path = `${jobPath('trigger', job)}/trigger`;
      const res = await http.request<RunDto>('POST', path, { body: toRequest('trigger', params, opts) });
      // The server answers 202 for a new run and 200 for the one an idempotency key already made.
      return { ...res.body, created: res.status === 202 };
    },

    async triggerBatch(job, requests) {
      const path = `${jobPath('triggerBatch', job)}/trigger-batch`;
      if (!Array.isArray(requests) || requests.length === 0) fail('triggerBatch', 'requests must be a non-empty array');
      const body = { requests: requests.map((r, i) => toRequest(`triggerBatch: requests[${i}]`, r?.params, r)) };
      return (await http.request<TriggerBatchResponse>('POST', path, { body })).body;
    },

    async getRun(runId) {
      return (await http.request<RunDto>('GET', runPath('getRun', runId))).body;
    },

    async waitForRun(runId, opts = {}) {
      const path = runPath('waitForRun', runId);
      const limit = duration('waitForRun', 'timeoutMs', opts.timeoutMs, DEFAULT_WAIT_TIMEOUT_MS);
      const deadline = Date.now() + limit;
      for (;;) {
        const started = Date.now();
        const waitMs = Math.ceil(Math.min(Math.max(deadline - started, 0), MAX_WAIT_PER_CALL_MS));
        // The HTTP timeout must outlast the server's wait, or every long poll would abort itself.
        const res = await http.request<RunDto>('GET', path, { query: waitMs > 0 ? { waitMs } : undefined, timeoutMs: waitMs + timeoutMs });
        const run = res.body;
        if (FINAL.has(run.status)) return run;
        const now = Date.now();
        if (now >= deadline) throw new BatonTimeoutError(run, limit);
        const gap = MIN_POLL_GAP_MS - (now - started);
        if (gap > 0) await sleep(Math.min(gap, deadline - now));
      }
    },

    async cancel(runId) {
      return (await http.request<RunDto>('POST', `${runPath('cancel', runId)}/cancel`)).body;
    },

    async kill(runId) {
      return (await http.request<RunDto>('POST', `${runPath('kill', runId)}/kill`)).body;
    },

    async listRuns(query = {}) {
      if (typeof query !== 'object' || query === null) fail('listRuns', 'query must be an object');
      return (await http.request<Page<RunDto>>('GET', '/runs', { query: { ...query } })).body;
    },
  };
}
