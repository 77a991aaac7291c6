import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { DEFAULT_DATABASE_URL } from '../database/database-url.js';

/**
 * Every environment variable the server reads, with its type, default and meaning.
 * docs/configuration.md documents exactly this list (a test keeps them in step).
 */
export interface VariableSpec<T> {
  name: string;
  doc: string;
  /** Shown in docs; `undefined` means required or computed at boot. */
  defaultText: string;
  secret?: boolean;
  parse(raw: string | undefined, env: NodeJS.ProcessEnv): T;
}

export class InvalidVariable extends Error {}

function str(name: string, doc: string, fallback: string | (() => string), opts: { maxLength?: number; pattern?: RegExp; secret?: boolean } = {}): VariableSpec<string> {
  return {
    name,
    doc,
    secret: opts.secret,
    defaultText: typeof fallback === 'string' ? (fallback === '' ? '(empty)' : `\`${fallback}\``) : '(computed)',
    parse(raw) {
      const value = raw === undefined || raw === '' ? (typeof fallback === 'string' ? fallback : fallback()) : raw.trim();
      if (opts.maxLength !== undefined && value.length > opts.maxLength) throw new InvalidVariable(`at most ${opts.maxLength} characters`);
      if (opts.pattern && !opts.pattern.test(value)) throw new InvalidVariable(`must match ${opts.pattern}`);
      return value;
    },
  };
}

function int(name: string, doc: string, fallback: number, min: number, max: number): VariableSpec<number> {
  return {
    name,
    doc,
    defaultText: `\`${fallback}\``,
    parse(raw) {
      if (raw === undefined || raw.trim() === '') return fallback;
      if (!/^-?\d+$/.test(raw.trim())) throw new InvalidVariable(`must be a whole number, got "${raw}"`);
      const value = Number(raw.trim());
      if (value < min || value > max) throw new InvalidVariable(`must be between ${min} and ${max}, got ${value}`);
      return value;
    },
  };
}

function bool(name: string, doc: string, fallback: boolean): VariableSpec<boolean> {
  return {
    name,
    doc,
    defaultText: `\`${fallback}\``,
    parse(raw) {
      if (raw === undefined || raw.trim() === '') return fallback;
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new InvalidVariable(`must be true or false, got "${raw}"`);
    },
  };
}

function oneOf<T extends string>(name: string, doc: string, fallback: T, values: readonly T[]): VariableSpec<T> {
  return {
    name,
    doc,
    defaultText: `\`${fallback}\``,
    parse(raw) {
      if (raw === undefined || raw.trim() === '') return fallback;
      const v = raw.trim() as T;
      if (!values.includes(v)) throw new InvalidVariable(`must be one of ${values.join(', ')}, got "${raw}"`);
      return v;
    },
  };
}

function databaseUrl(): VariableSpec<string> {
  return {
    name: 'DATABASE_URL',
    doc: 'Where Baton keeps its data. Unset: an embedded SQLite file, one node only (`sqlite:<path>`; a relative path is resolved from the working directory; the folder is created). For production and clusters: MySQL/MariaDB, `mysql://user:password@host:port/database` (the database is created if missing).',
    defaultText: `\`${DEFAULT_DATABASE_URL}\``,
    secret: true,
    parse(raw) {
      const value = raw === undefined || raw.trim() === '' ? DEFAULT_DATABASE_URL : raw.trim();
      if (value.startsWith('sqlite:')) {
        if (value.length === 'sqlite:'.length) throw new InvalidVariable('must name a file after sqlite:, e.g. sqlite:data/baton.sqlite');
        return value;
      }
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new InvalidVariable('is not a URL; expected mysql://user:password@host:port/database or sqlite:<path>');
      }
      if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') throw new InvalidVariable(`scheme must be mysql:// or sqlite: (got ${url.protocol}//)`);
      const db = decodeURIComponent(url.pathname.replace(/^\//, ''));
      if (!/^[A-Za-z0-9_]{1,64}$/.test(db)) throw new InvalidVariable('must name a database (letters, digits, underscore) in its path, e.g. mysql://root@127.0.0.1:3306/baton');
      return value;
    },
  };
}

/** Express's `trust proxy`: off, a hop count, or a comma list of trusted proxy addresses/subnets. */
function trustProxy(): VariableSpec<boolean | number | string> {
  return {
    name: 'TRUST_PROXY',
    doc: 'Which proxies in front of the server to believe about the client address (`X-Forwarded-For`), as Express\'s `trust proxy`: `false`, a hop count, or a comma list of addresses/subnets (`loopback`, `10.0.0.0/8`).',
    defaultText: '`false`',
    parse(raw) {
      const v = raw?.trim() ?? '';
      if (v === '' || v.toLowerCase() === 'false') return false;
      if (v.toLowerCase() === 'true') return true;
      if (/^\d+$/.test(v)) {
        const hops = Number(v);
        if (hops > 10) throw new InvalidVariable(`hop count must be at most 10, got ${hops}`);
        return hops;
      }
      if (!/^[A-Za-z0-9.:/,\s_-]+$/.test(v)) throw new InvalidVariable('must be true, false, a hop count or a comma list of addresses/subnets');
      return v;
    },
  };
}

function corsOrigins(): VariableSpec<string[]> {
  return {
    name: 'CORS_ORIGINS',
    doc: 'Comma list of browser origins (`https://console.example.com`) allowed to call the API cross-origin with credentials. Empty: CORS stays closed.',
    defaultText: '(empty)',
    parse(raw) {
      const origins = (raw ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '');
      for (const o of origins) {
        if (!/^https?:\/\/[^\s/]+$/.test(o)) throw new InvalidVariable(`entries must be origins such as https://console.example.com (no path), got "${o}"`);
      }
      return origins;
    },
  };
}

const NODE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export type LogFormat = 'json' | 'pretty';

/** Pretty for a developer at a terminal; JSON in production and whenever output goes to a file or a collector. */
function logFormat(): VariableSpec<LogFormat> {
  return {
    name: 'LOG_FORMAT',
    doc: 'Log line format: `json` (one JSON object per line) or `pretty` (human-readable). Defaults to `json` when `NODE_ENV=production` or stdout is not a terminal, else `pretty`.',
    defaultText: '(computed)',
    parse(raw, env) {
      if (raw === undefined || raw.trim() === '') return env.NODE_ENV === 'production' || !process.stdout.isTTY ? 'json' : 'pretty';
      const v = raw.trim();
      if (v !== 'json' && v !== 'pretty') throw new InvalidVariable(`must be one of json, pretty, got "${raw}"`);
      return v;
    },
  };
}

export const CONFIG_VARIABLES = {
  databaseUrl: databaseUrl(),
  databasePoolSize: int('DATABASE_POOL_SIZE', 'Connections in the database pool of each server node.', 10, 1, 200),
  host: str('HOST', 'Interface the HTTP server binds to.', '0.0.0.0'),
  port: int('PORT', 'HTTP port for the API, console, socket.io and metrics. 0 picks a free port.', 8080, 0, 65535),
  nodeId: str('NODE_ID', 'This server node\'s id in the cluster (letters, digits, `._-`). Generated from the host name when unset.', () => `${hostname().slice(0, 40)}-${randomUUID().slice(0, 8)}`, {
    pattern: NODE_ID_PATTERN,
  }),
  advertiseUrl: str('ADVERTISE_URL', 'URL other nodes and executors use to reach this node. Defaults to `http://<HOST, or the host name when HOST is 0.0.0.0>:<the port listened on>`.', '', { maxLength: 255 }),
  logLevel: oneOf('LOG_LEVEL', 'Least severe log level printed.', 'log', ['error', 'warn', 'log', 'debug', 'verbose'] as const),
  logFormat: logFormat(),
  migrateOnStart: bool('MIGRATE_ON_START', 'Apply `sql/schema.sql` and pending `sql/migrations/` at start. Turn off when a DBA applies them.', true),
  bodyLimitBytes: int('BODY_LIMIT_BYTES', 'Largest accepted request body.', 1_048_576, 1024, 64 * 1_048_576),
  paramsLimitBytes: int('PARAMS_LIMIT_BYTES', 'Largest job or run `params`, as serialized JSON.', 65_536, 2, 1_048_576),
  defaultMisfireThresholdMs: int('DEFAULT_MISFIRE_THRESHOLD_MS', 'Misfire threshold for jobs that do not set their own.', 5_000, 0, 86_400_000),
  executorTokenGraceMs: int('EXECUTOR_TOKEN_GRACE_MS', 'How long an app\'s previous executor token stays valid after a rotation.', 600_000, 0, 7 * 86_400_000),
  schedulerEnabled: bool('SCHEDULER_ENABLED', 'Whether this node campaigns for leadership. false makes an API-only node that never fires triggers.', true),
  leaderLeaseTtlMs: int('LEADER_LEASE_TTL_MS', 'How long a leader\'s lease lasts without renewal; a dead leader is replaced after at most this long.', 10_000, 1_000, 300_000),
  leaderRenewIntervalMs: int('LEADER_RENEW_INTERVAL_MS', 'How often the leader renews its lease (and followers try to take it). 0 = a third of LEADER_LEASE_TTL_MS.', 0, 0, 100_000),
  nodeHeartbeatIntervalMs: int('NODE_HEARTBEAT_INTERVAL_MS', 'How often each node refreshes its row in scheduler_nodes.', 2_000, 100, 60_000),
  nodeExpiryMs: int('NODE_EXPIRY_MS', 'A node not heard from for this long is shown as dead and pruned by the leader.', 30_000, 1_000, 86_400_000),
  triggerTickMs: int('TRIGGER_TICK_MS', 'How often the leader\'s trigger loop looks for due jobs.', 1_000, 50, 60_000),
  triggerLookaheadMs: int('TRIGGER_LOOKAHEAD_MS', 'The trigger loop plans fires this far ahead, so runs are in the database before they are due.', 5_000, 0, 60_000),
  triggerBatchSize: int('TRIGGER_BATCH_SIZE', 'Jobs planned per trigger transaction.', 500, 1, 10_000),
  executorHeartbeatIntervalMs: int('EXECUTOR_HEARTBEAT_INTERVAL_MS', 'How often executors heartbeat on each socket (told to them on connect).', 5_000, 200, 60_000),
  executorExpiryMs: int('EXECUTOR_EXPIRY_MS', 'An executor instance not heard from for this long is shown OFFLINE; after ten times this its row is deleted.', 30_000, 1_000, 86_400_000),
  runLeaseMs: int('RUN_LEASE_MS', 'A dispatched or running run whose executor stops heartbeating for this long is recovered as LOST.', 30_000, 1_000, 3_600_000),
  dispatchAckTimeoutMs: int('DISPATCH_ACK_TIMEOUT_MS', 'A dispatch an executor does not acknowledge within this time is sent elsewhere.', 5_000, 100, 120_000),
  dispatchPollMs: int('DISPATCH_POLL_MS', 'How often the leader\'s dispatcher reads runs coming due from the database.', 200, 20, 10_000),
  recoveryIntervalMs: int('RECOVERY_INTERVAL_MS', 'How often the leader looks for runs whose lease expired, kills that outlived their grace, and timed-out runs.', 1_000, 100, 60_000),
  killGraceMs: int('KILL_GRACE_MS', 'After a kill or timeout, how long a handler has to stop before the server ends the run anyway.', 10_000, 0, 600_000),
  runLogMaxBytes: int('RUN_LOG_MAX_BYTES', 'Log bytes kept per run; later lines are dropped and a marker says how many.', 1_048_576, 1_024, 64 * 1_048_576),
  runResultMaxBytes: int('RUN_RESULT_MAX_BYTES', 'Largest stored run result or error message, as serialized JSON.', 65_536, 256, 16 * 1_048_576),
  childChainMaxDepth: int('CHILD_CHAIN_MAX_DEPTH', 'A run this deep in a chain of child jobs (a root run is 0) starts no children: they are recorded SKIPPED instead.', 10, 0, 1_000),
  alertDispatchIntervalMs: int('ALERT_DISPATCH_INTERVAL_MS', 'How often the leader sends pending alerts (and retries failed deliveries that are due).', 1_000, 50, 60_000),
  alertMaxAttempts: int('ALERT_MAX_ATTEMPTS', 'Delivery attempts per alert before it is marked FAILED.', 5, 1, 20),
  alertRetryDelayMs: int('ALERT_RETRY_DELAY_MS', 'Pause after the first failed delivery of an alert; it doubles after each further failure (capped at 5 minutes).', 1_000, 10, 300_000),
  alertSendTimeoutMs: int('ALERT_SEND_TIMEOUT_MS', 'How long one delivery (an HTTP request or an SMTP session) may take.', 10_000, 100, 120_000),
  alertNoExecutorAfterMs: int('ALERT_NO_EXECUTOR_AFTER_MS', 'A due run waiting this long because no executor can take it raises a NO_EXECUTOR alert for its app.', 30_000, 100, 86_400_000),
  alertWatchIntervalMs: int('ALERT_WATCH_INTERVAL_MS', 'How often the leader looks for apps without executors and for misfire-skipped fires to alert about.', 5_000, 50, 300_000),
  alertLinkBaseUrl: str('ALERT_LINK_BASE_URL', 'Console URL that alert links start with (e.g. `https://baton.example.com`); empty: links are paths such as `/runs/42`.', '', {
    maxLength: 255,
    pattern: /^(https?:\/\/[^\s]+[^/\s])?$/,
  }),
  retentionDays: int('RETENTION_DAYS', 'Ended runs (with their logs) and alerts older than this many days are deleted by the leader; a job\'s `retentionDays` overrides it for its runs. Hourly stats are kept at least 400 days.', 30, 1, 3650),
  retentionBatchSize: int('RETENTION_BATCH_SIZE', 'Rows the retention janitor deletes per short transaction.', 1_000, 1, 10_000),
  retentionIntervalMs: int('RETENTION_INTERVAL_MS', 'Pause between two passes of the retention janitor.', 60_000, 1_000, 86_400_000),
  passwordMinLength: int('PASSWORD_MIN_LENGTH', 'Shortest password accepted for users (it must also differ from the user\'s e-mail).', 12, 8, 128),
  sessionTtlHours: int('SESSION_TTL_HOURS', 'A console session ends this long after sign-in, however active it is.', 12, 1, 720),
  sessionIdleMinutes: int('SESSION_IDLE_MINUTES', 'A console session not used for this long ends.', 120, 1, 43_200),
  setupTokenTtlMinutes: int('SETUP_TOKEN_TTL_MINUTES', 'How long the one-time setup link logged at first start stays valid.', 60, 1, 10_080),
  loginMaxFailures: int('LOGIN_MAX_FAILURES', 'Consecutive failed sign-ins that lock an account for LOGIN_LOCK_MINUTES.', 5, 1, 100),
  loginLockMinutes: int('LOGIN_LOCK_MINUTES', 'How long an account stays locked after LOGIN_MAX_FAILURES failed sign-ins.', 15, 1, 1_440),
  loginMaxFailuresPerIp: int('LOGIN_MAX_FAILURES_PER_IP', 'Failed sign-ins one client address may make within 15 minutes before its further attempts are refused.', 20, 1, 10_000),
  cookieSecure: bool('COOKIE_SECURE', 'Mark the session and CSRF cookies `Secure` (sent over HTTPS only). Turn on whenever the console is served over HTTPS.', false),
  trustProxy: trustProxy(),
  corsOrigins: corsOrigins(),
  adminEmail: str('BATON_ADMIN_EMAIL', 'With BATON_ADMIN_PASSWORD: the first admin, created at start when there is no user yet (unattended installs). Ignored once any user exists.', '', {
    maxLength: 254,
    pattern: /^$|^[^\s@]+@[^\s@]+$/,
  }),
  adminPassword: str('BATON_ADMIN_PASSWORD', 'The first admin\'s password (see BATON_ADMIN_EMAIL). Change it after the first sign-in; remove it from the environment afterwards.', '', { maxLength: 256, secret: true }),
} as const;

type Specs = typeof CONFIG_VARIABLES;
export type AppConfigValues = { [K in keyof Specs]: Specs[K] extends VariableSpec<infer T> ? T : never };
