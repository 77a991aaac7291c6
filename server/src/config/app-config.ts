import { hostname } from 'node:os';
import { CONFIG_VARIABLES, InvalidVariable, type AppConfigValues } from './config-variables.js';

/** The server's typed configuration, read once at boot and injected where needed. */
export class AppConfig {
  private listeningPort: number | null = null;

  private constructor(private readonly values: AppConfigValues) {}

  /** Called once the HTTP server listens, so a default ADVERTISE_URL names the real port (PORT may be 0). */
  setListeningPort(port: number): void {
    this.listeningPort = port;
  }

  get databaseUrl(): string { return this.values.databaseUrl; }
  get databasePoolSize(): number { return this.values.databasePoolSize; }
  get host(): string { return this.values.host; }
  get port(): number { return this.values.port; }
  get nodeId(): string { return this.values.nodeId; }
  /** False until the advertised URL is final: PORT=0 without ADVERTISE_URL means "not listening yet". */
  get advertiseUrlKnown(): boolean {
    return Boolean(this.values.advertiseUrl) || this.values.port !== 0 || this.listeningPort !== null;
  }

  /** ADVERTISE_URL, else this host (HOST when it names one address) and the port actually listened on. */
  get advertiseUrl(): string {
    return this.advertiseUrlFor(this.portInUse);
  }

  /** The port actually listened on, once known; PORT until then. */
  get portInUse(): number {
    return this.listeningPort ?? this.values.port;
  }

  /** What advertiseUrl is once the server listens on `port` (without recording it). */
  advertiseUrlFor(port: number): string {
    if (this.values.advertiseUrl) return this.values.advertiseUrl;
    const host = ['0.0.0.0', '::', ''].includes(this.values.host) ? hostname() : this.values.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /**
   * How a browser on this machine reaches the server when it listens on every interface and no
   * ADVERTISE_URL is set (`http://localhost:<port>`); otherwise null, and advertiseUrl is the way.
   */
  localUrlFor(port: number): string | null {
    return !this.values.advertiseUrl && ['0.0.0.0', '::', ''].includes(this.values.host) ? `http://localhost:${port}` : null;
  }
  get logLevel(): AppConfigValues['logLevel'] { return this.values.logLevel; }
  get logFormat(): AppConfigValues['logFormat'] { return this.values.logFormat; }
  get migrateOnStart(): boolean { return this.values.migrateOnStart; }
  get bodyLimitBytes(): number { return this.values.bodyLimitBytes; }
  get paramsLimitBytes(): number { return this.values.paramsLimitBytes; }
  get defaultMisfireThresholdMs(): number { return this.values.defaultMisfireThresholdMs; }
  get executorTokenGraceMs(): number { return this.values.executorTokenGraceMs; }
  get schedulerEnabled(): boolean { return this.values.schedulerEnabled; }
  get leaderLeaseTtlMs(): number { return this.values.leaderLeaseTtlMs; }
  get leaderRenewIntervalMs(): number { return this.values.leaderRenewIntervalMs || Math.floor(this.values.leaderLeaseTtlMs / 3); }
  get nodeHeartbeatIntervalMs(): number { return this.values.nodeHeartbeatIntervalMs; }
  get nodeExpiryMs(): number { return this.values.nodeExpiryMs; }
  get triggerTickMs(): number { return this.values.triggerTickMs; }
  get triggerLookaheadMs(): number { return this.values.triggerLookaheadMs; }
  get triggerBatchSize(): number { return this.values.triggerBatchSize; }
  get executorHeartbeatIntervalMs(): number { return this.values.executorHeartbeatIntervalMs; }
  get executorExpiryMs(): number { return this.values.executorExpiryMs; }
  get runLeaseMs(): number { return this.values.runLeaseMs; }
  get dispatchAckTimeoutMs(): number { return this.values.dispatchAckTimeoutMs; }
  get dispatchPollMs(): number { return this.values.dispatchPollMs; }
  get recoveryIntervalMs(): number { return this.values.recoveryIntervalMs; }
  get killGraceMs(): number { return this.values.killGraceMs; }
  get runLogMaxBytes(): number { return this.values.runLogMaxBytes; }
  get runResultMaxBytes(): number { return this.values.runResultMaxBytes; }
  get childChainMaxDepth(): number { return this.values.childChainMaxDepth; }
  get alertDispatchIntervalMs(): number { return this.values.alertDispatchIntervalMs; }
  get alertMaxAttempts(): number { return this.values.alertMaxAttempts; }
  get alertRetryDelayMs(): number { return this.values.alertRetryDelayMs; }
  get alertSendTimeoutMs(): number { return this.values.alertSendTimeoutMs; }
  get alertNoExecutorAfterMs(): number { return this.values.alertNoExecutorAfterMs; }
  get alertWatchIntervalMs(): number { return this.values.alertWatchIntervalMs; }
  get alertLinkBaseUrl(): string { return this.values.alertLinkBaseUrl; }
  get retentionDays(): number { return this.values.retentionDays; }
  get retentionBatchSize(): number { return this.values.retentionBatchSize; }
  get retentionIntervalMs(): number { return this.values.retentionIntervalMs; }
  get passwordMinLength(): number { return this.values.passwordMinLength; }
  get sessionTtlMs(): number { return this.values.sessionTtlHours * 3_600_000; }
  get sessionIdleMs(): number { return this.values.sessionIdleMinutes * 60_000; }
  get setupTokenTtlMs(): number { return this.values.setupTokenTtlMinutes * 60_000; }
  get loginMaxFailures(): number { return this.values.loginMaxFailures; }
  get loginLockMs(): number { return this.values.loginLockMinutes * 60_000; }
  get loginMaxFailuresPerIp(): number { return this.values.loginMaxFailuresPerIp; }
  get cookieSecure(): boolean { return this.values.cookieSecure; }
  get trustProxy(): boolean | number | string { return this.values.trustProxy; }
  get corsOrigins(): readonly string[] { return this.values.corsOrigins; }
  /** The first admin from the environment, when both variables are set. */
  get bootstrapAdmin(): { email: string; password: string } | null {
    return this.values.adminEmail && this.values.adminPassword ? { email: this.values.adminEmail, password: this.values.adminPassword } : null;
  }

  /** Parses every variable and reports all the bad ones in one error. */
  static fromEnv(env: NodeJS.ProcessEnv): AppConfig {
    const values: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const [key, spec] of Object.entries(CONFIG_VARIABLES)) {
      try {
        values[key] = spec.parse(env[spec.name], env);
      } catch (err) {
        if (!(err instanceof InvalidVariable)) throw err;
        problems.push(`${spec.name} ${err.message}`);
      }
    }
    problems.push(...crossFieldProblems(values as AppConfigValues));
    if (problems.length > 0) throw new ConfigError(problems);
    return new AppConfig(values as AppConfigValues);
  }
}

/** Rules that relate two variables (checked only when each parsed on its own). */
function crossFieldProblems(v: Partial<AppConfigValues>): string[] {
  const problems: string[] = [];
  if (v.leaderLeaseTtlMs !== undefined && v.leaderRenewIntervalMs && v.leaderRenewIntervalMs * 2 > v.leaderLeaseTtlMs) {
    problems.push(`LEADER_RENEW_INTERVAL_MS must be at most half of LEADER_LEASE_TTL_MS (${v.leaderLeaseTtlMs}), so a leader renews at least twice per lease`);
  }
  if (v.runLeaseMs !== undefined && v.executorHeartbeatIntervalMs !== undefined && v.executorHeartbeatIntervalMs * 2 > v.runLeaseMs) {
    problems.push(`EXECUTOR_HEARTBEAT_INTERVAL_MS must be at most half of RUN_LEASE_MS (${v.runLeaseMs}), so a live executor renews its runs' leases at least twice per lease`);
  }
  if (Boolean(v.adminEmail) !== Boolean(v.adminPassword)) {
    problems.push('BATON_ADMIN_EMAIL and BATON_ADMIN_PASSWORD must be set together (or neither)');
  } else if (v.adminEmail && v.adminPassword && v.passwordMinLength !== undefined) {
    if (v.adminPassword.length < v.passwordMinLength) problems.push(`BATON_ADMIN_PASSWORD must be at least PASSWORD_MIN_LENGTH (${v.passwordMinLength}) characters`);
    else if (v.adminPassword.toLowerCase() === v.adminEmail.toLowerCase()) problems.push('BATON_ADMIN_PASSWORD must differ from BATON_ADMIN_EMAIL');
  }
  return problems;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}\nSee docs/configuration.md.`);
    this.name = 'ConfigError';
  }
}
