/**
 * Server settings for end-to-end tests: short leases and intervals, so elections, leases, kills
 * and timeouts play out within seconds.
 */
export const FAST_CLUSTER_ENV = {
  LEADER_LEASE_TTL_MS: '3000',
  LEADER_RENEW_INTERVAL_MS: '300',
  TRIGGER_TICK_MS: '100',
  TRIGGER_LOOKAHEAD_MS: '1000',
  DISPATCH_POLL_MS: '50',
  RECOVERY_INTERVAL_MS: '200',
  EXECUTOR_HEARTBEAT_INTERVAL_MS: '500',
  DISPATCH_ACK_TIMEOUT_MS: '2000',
  NODE_HEARTBEAT_INTERVAL_MS: '500',
  DATABASE_POOL_SIZE: '4',
} as const;
