import type {
  BlockStrategy,
  ChildTriggerCondition,
  MisfirePolicy,
  RetryBackoff,
  RetryableOutcome,
  RouteStrategy,
  ScheduleType,
} from '../enums.js';

export interface ScheduleDto {
  type: ScheduleType;
  /**
   * CRON: a Quartz (6 or 7 fields) or Unix (5 fields) expression, or a macro like `@hourly`.
   * FIXED_RATE / FIXED_DELAY: an ISO 8601 duration (`PT30S`) or milliseconds (`30000`).
   * ONCE: an ISO 8601 instant with offset. NONE: null.
   */
  expression: string | null;
  /** IANA time zone the expression is read in. */
  timezone: string;
}

export interface MisfireDto {
  policy: MisfirePolicy;
  /** A fire found later than this is a misfire. */
  thresholdMs: number;
  /** CATCH_UP only: the most missed fires to run. */
  catchUpLimit: number;
}

export interface RetryDto {
  /** Total attempts including the first; 1 means no retry. */
  maxAttempts: number;
  backoff: RetryBackoff;
  /** FIXED: the delay; EXPONENTIAL: the first delay, doubled each attempt. */
  delayMs: number;
  maxDelayMs: number;
  /** Randomize each delay by up to this fraction (0..1). */
  jitter: number;
  retryOn: RetryableOutcome[];
}

export interface ChildJobDto {
  /** The child job's id (decimal string) or key (`app:name`). */
  job: string;
  on: ChildTriggerCondition;
}

export interface JobDto {
  id: string;
  /** Stable key `app:name`, usable wherever an id is. */
  key: string;
  appId: string;
  app: string;
  name: string;
  handler: string;
  description: string;
  owner: string;
  schedule: ScheduleDto;
  misfire: MisfireDto;
  routeStrategy: RouteStrategy;
  blockStrategy: BlockStrategy;
  /** 0 = no timeout. */
  timeoutMs: number;
  retry: RetryDto;
  params: unknown;
  children: ChildJobDto[];
  enabled: boolean;
  nextFireAt: string | null;
  lastFireAt: string | null;
  /** Run history kept for this many days; null = the server default. */
  retentionDays: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateJobRequest {
  app: string;
  name: string;
  handler: string;
  description?: string;
  owner?: string;
  schedule: ScheduleDto | Omit<ScheduleDto, 'timezone'>;
  misfire?: Partial<MisfireDto>;
  routeStrategy?: RouteStrategy;
  blockStrategy?: BlockStrategy;
  timeoutMs?: number;
  retry?: Partial<RetryDto>;
  params?: unknown;
  children?: ChildJobDto[];
  enabled?: boolean;
  retentionDays?: number | null;
}

/** Every field optional except `version`, the version the caller last read. */
export type UpdateJobRequest = Partial<Omit<CreateJobRequest, 'app'>> & { version: number };

export interface CopyJobRequest {
  name: string;
  app?: string;
  enabled?: boolean;
}
