/**
 * Enumerations shared by the server, the executor SDK and the console.
 * Each is a frozen value list plus its union type, so pickers in the console
 * render from the same list the server validates against.
 */

export const SCHEDULE_TYPES = ['CRON', 'FIXED_RATE', 'FIXED_DELAY', 'ONCE', 'NONE'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

export const MISFIRE_POLICIES = ['SKIP', 'FIRE_ONCE', 'CATCH_UP'] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];

export const ROUTE_STRATEGIES = [
  'FIRST',
  'LAST',
  'ROUND_ROBIN',
  'RANDOM',
  'CONSISTENT_HASH',
  'LEAST_FREQUENTLY_USED',
  'LEAST_RECENTLY_USED',
  'FAILOVER',
  'BUSYOVER',
  'LEAST_LOADED',
  'SHARDING_BROADCAST',
] as const;
export type RouteStrategy = (typeof ROUTE_STRATEGIES)[number];

export const BLOCK_STRATEGIES = ['SERIAL', 'DISCARD_LATER', 'COVER_EARLY', 'PARALLEL'] as const;
export type BlockStrategy = (typeof BLOCK_STRATEGIES)[number];

export const RETRY_BACKOFFS = ['FIXED', 'EXPONENTIAL'] as const;
export type RetryBackoff = (typeof RETRY_BACKOFFS)[number];

/** Outcomes of an attempt that may produce another attempt. */
export const RETRYABLE_OUTCOMES = ['FAILED', 'TIMED_OUT', 'LOST'] as const;
export type RetryableOutcome = (typeof RETRYABLE_OUTCOMES)[number];

export const CHILD_TRIGGER_CONDITIONS = ['SUCCESS', 'FAILURE', 'ALWAYS'] as const;
export type ChildTriggerCondition = (typeof CHILD_TRIGGER_CONDITIONS)[number];

export const RUN_STATUSES = [
  'SCHEDULED',
  'DISPATCHED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'CANCELLED',
  'LOST',
  'SKIPPED',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const FINAL_RUN_STATUSES = [
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'CANCELLED',
  'LOST',
  'SKIPPED',
] as const satisfies readonly RunStatus[];
export type FinalRunStatus = (typeof FINAL_RUN_STATUSES)[number];

export const TRIGGER_TYPES = [
  'CRON',
  'FIXED_RATE',
  'FIXED_DELAY',
  'ONCE',
  'MANUAL',
  'API',
  'RETRY',
  'CHILD',
  'MISFIRE',
] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];
