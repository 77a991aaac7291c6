import { RETRYABLE_OUTCOMES, type BlockStrategy, type MisfireDto, type RetryableOutcome, type RetryDto, type RouteStrategy } from '@baton/protocol';
import { invalidField } from '../../common/errors/domain-error.js';
import type { JobEntity } from './job.entity.js';

/** What a job gets for every setting it leaves out. */
export const JOB_DEFAULTS = {
  routeStrategy: 'ROUND_ROBIN' as RouteStrategy,
  blockStrategy: 'SERIAL' as BlockStrategy,
  timeoutMs: 0,
  misfire: { policy: 'FIRE_ONCE', catchUpLimit: 10 } as const,
  retry: { maxAttempts: 1, backoff: 'EXPONENTIAL', delayMs: 1_000, maxDelayMs: 300_000, jitter: 0.2, retryOn: [...RETRYABLE_OUTCOMES] } satisfies RetryDto,
};

export function misfireOf(job: JobEntity): MisfireDto {
  return { policy: job.misfirePolicy, thresholdMs: job.misfireThresholdMs, catchUpLimit: job.catchUpLimit };
}

export function retryOf(job: JobEntity): RetryDto {
  return {
    maxAttempts: job.retryMaxAttempts,
    backoff: job.retryBackoff,
    delayMs: job.retryDelayMs,
    maxDelayMs: job.retryMaxDelayMs,
    jitter: job.retryJitter,
    retryOn: parseRetryOn(job.retryOn),
  };
}

export function mergeMisfire(base: MisfireDto | undefined, patch: Partial<MisfireDto> | undefined, defaultThresholdMs: number): MisfireDto {
  const from = base ?? { ...JOB_DEFAULTS.misfire, thresholdMs: defaultThresholdMs };
  return { policy: patch?.policy ?? from.policy, thresholdMs: patch?.thresholdMs ?? from.thresholdMs, catchUpLimit: patch?.catchUpLimit ?? from.catchUpLimit };
}

export function mergeRetry(base: RetryDto | undefined, patch: Partial<RetryDto> | undefined): RetryDto {
  const from = base ?? JOB_DEFAULTS.retry;
  const merged: RetryDto = {
    maxAttempts: patch?.maxAttempts ?? from.maxAttempts,
    backoff: patch?.backoff ?? from.backoff,
    delayMs: patch?.delayMs ?? from.delayMs,
    maxDelayMs: patch?.maxDelayMs ?? from.maxDelayMs,
    jitter: patch?.jitter ?? from.jitter,
    retryOn: patch?.retryOn ?? from.retryOn,
  };
  if (merged.maxDelayMs < merged.delayMs) throw invalidField('retry.maxDelayMs', `must be at least retry.delayMs (${merged.delayMs})`);
  return merged;
}

export function retryColumns(retry: RetryDto): Pick<JobEntity, 'retryMaxAttempts' | 'retryBackoff' | 'retryDelayMs' | 'retryMaxDelayMs' | 'retryJitter' | 'retryOn'> {
  return {
    retryMaxAttempts: retry.maxAttempts,
    retryBackoff: retry.backoff,
    retryDelayMs: retry.delayMs,
    retryMaxDelayMs: retry.maxDelayMs,
    retryJitter: retry.jitter,
    retryOn: retry.retryOn.join(','),
  };
}

export function misfireColumns(misfire: MisfireDto): Pick<JobEntity, 'misfirePolicy' | 'misfireThresholdMs' | 'catchUpLimit'> {
  return { misfirePolicy: misfire.policy, misfireThresholdMs: misfire.thresholdMs, catchUpLimit: misfire.catchUpLimit };
}

function parseRetryOn(value: string): RetryableOutcome[] {
  return value
    .split(',')
    .filter((v): v is RetryableOutcome => (RETRYABLE_OUTCOMES as readonly string[]).includes(v));
}

/** Serializes params to the stored JSON text, enforcing the size limit. */
export function serializeParams(params: unknown, limitBytes: number, field = 'params'): string | null {
  if (params === undefined || params === null) return null;
  const json = JSON.stringify(params);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > limitBytes) throw invalidField(field, `is ${bytes} bytes as JSON; the limit is ${limitBytes} bytes (PARAMS_LIMIT_BYTES)`);
  return json;
}
