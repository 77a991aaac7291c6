import type {
  BlockStrategy,
  ChildJobDto,
  CreateJobRequest,
  JobDto,
  MisfirePolicy,
  RetryBackoff,
  RouteStrategy,
  ScheduleDto,
  UpdateJobRequest,
} from '@baton/protocol';
import { parseJsonField, prettyJson } from '../../common/json';

/** What the job form edits: the request, flattened where antd's Form wants flat fields. */
export interface JobFormValues {
  app: string;
  name: string;
  handler: string;
  description: string;
  owner: string;
  schedule: ScheduleDto;
  routeStrategy: RouteStrategy;
  blockStrategy: BlockStrategy;
  misfirePolicy: MisfirePolicy;
  misfireThresholdMs: number;
  timeoutMs: number;
  retryMaxAttempts: number;
  retryBackoff: RetryBackoff;
  retryDelayMs: number;
  /** JSON text; '' = no params. */
  params: string;
  children: ChildJobDto[];
  enabled: boolean;
}

export const defaultJobFormValues = (timezone: string): JobFormValues => ({
  app: '',
  name: '',
  handler: '',
  description: '',
  owner: '',
  schedule: { type: 'CRON', expression: '0 * * * * ?', timezone },
  routeStrategy: 'ROUND_ROBIN',
  blockStrategy: 'SERIAL',
  misfirePolicy: 'FIRE_ONCE',
  misfireThresholdMs: 5000,
  timeoutMs: 0,
  retryMaxAttempts: 1,
  retryBackoff: 'EXPONENTIAL',
  retryDelayMs: 1000,
  params: '',
  children: [],
  enabled: true,
});

export function jobToFormValues(job: JobDto): JobFormValues {
  return {
    app: job.app,
    name: job.name,
    handler: job.handler,
    description: job.description,
    owner: job.owner,
    schedule: { ...job.schedule },
    routeStrategy: job.routeStrategy,
    blockStrategy: job.blockStrategy,
    misfirePolicy: job.misfire.policy,
    misfireThresholdMs: job.misfire.thresholdMs,
    timeoutMs: job.timeoutMs,
    retryMaxAttempts: job.retry.maxAttempts,
    retryBackoff: job.retry.backoff,
    retryDelayMs: job.retry.delayMs,
    params: prettyJson(job.params),
    children: job.children.map((c) => ({ ...c })),
    enabled: job.enabled,
  };
}

export class ParamsJsonError extends Error {}

export function formValuesToCreateRequest(v: JobFormValues): CreateJobRequest {
  const params = parseJsonField(v.params);
  if (!params.ok) throw new ParamsJsonError(params.error);
  return {
    app: v.app.trim(),
    name: v.name.trim(),
    handler: v.handler.trim(),
    description: v.description,
    owner: v.owner,
    schedule: { type: v.schedule.type, expression: v.schedule.type === 'NONE' ? null : (v.schedule.expression ?? '').trim(), timezone: v.schedule.timezone },
    routeStrategy: v.routeStrategy,
    blockStrategy: v.blockStrategy,
    misfire: { policy: v.misfirePolicy, thresholdMs: v.misfireThresholdMs },
    timeoutMs: v.timeoutMs,
    retry: { maxAttempts: v.retryMaxAttempts, backoff: v.retryBackoff, delayMs: v.retryDelayMs },
    params: params.value === undefined ? null : params.value,
    children: v.children.filter((c) => c.job.trim() !== '').map((c) => ({ job: c.job.trim(), on: c.on })),
    enabled: v.enabled,
  };
}

/**
 * A PATCH carries only what changed (plus the version read), so an unchanged schedule is not
 * re-planned and a concurrent edit of another field is not overwritten.
 */
export function updateRequestFor(job: JobDto, v: JobFormValues): UpdateJobRequest {
  const next = formValuesToCreateRequest(v);
  const before = formValuesToCreateRequest(jobToFormValues(job));
  const update: UpdateJobRequest = { version: job.version };
  const target = update as unknown as Record<string, unknown>;
  for (const key of Object.keys(next) as Array<keyof CreateJobRequest>) {
    if (key === 'app') continue;
    if (JSON.stringify(next[key]) !== JSON.stringify(before[key])) target[key] = next[key];
  }
  return update;
}
