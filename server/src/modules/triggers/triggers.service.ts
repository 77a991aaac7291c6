import { Injectable } from '@nestjs/common';
import type { RunDto, TriggerBatchItem, TriggerBatchResponse } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { DomainError, invalidField } from '../../common/errors/domain-error.js';
import { AppConfig } from '../../config/app-config.js';
import type { JobEntity } from '../jobs/job.entity.js';
import { serializeParams } from '../jobs/job-settings.js';
import { JobsService } from '../jobs/jobs.service.js';
import { BatonMetrics } from '../metrics/baton-metrics.js';
import { toRunDto } from '../runs/run.mapper.js';
import { RunEvents } from '../runs/run-events.js';
import { parseIntervalMs } from '../schedules/core/interval.js';
import { ScheduleError } from '../schedules/core/schedule-error.js';
import type { TriggerBatchBody, TriggerBody } from './dto/trigger.dto.js';
import { TriggersRepository, type InsertResult, type NewTriggeredRun } from './triggers.repository.js';

const MAX_DELAY_MS = 366 * 86_400_000;

export interface TriggerResult {
  created: boolean;
  run: RunDto;
}

/**
 * Runs requested through the API ("close order 42 in 30 minutes"): each is a durable SCHEDULED
 * row from the moment the call returns, dispatched when due, on any leader, after any restart.
 */
@Injectable()
export class TriggersService {
  constructor(
    private readonly triggers: TriggersRepository,
    private readonly jobs: JobsService,
    private readonly events: RunEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: BatonMetrics,
  ) {}

  async trigger(jobRef: string, body: TriggerBody): Promise<TriggerResult> {
    const job = await this.jobs.resolve(jobRef);
    const request = this.toNewRun(job, body, '');
    const [result] = await this.triggers.insertMany([request], this.clock.now());
    const outcome = this.settle(result!, request, await this.keyOf(job));
    if (outcome.outcome === 'CONFLICT') throw new DomainError('IDEMPOTENCY_CONFLICT', outcome.error!.message, { runId: outcome.run!.id });
    if (outcome.outcome === 'CREATED') this.metrics.firesTotal.inc({ app_id: job.appId, trigger_type: 'API' });
    this.wakeDispatcher([outcome.run!]);
    return { created: outcome.outcome === 'CREATED', run: outcome.run! };
  }

  /** Up to 1,000 requests in one call and one INSERT; each is answered on its own. */
  async triggerBatch(jobRef: string, body: TriggerBatchBody): Promise<TriggerBatchResponse> {
    const job = await this.jobs.resolve(jobRef);
    const requests = body.requests.map((r, i) => this.toNewRun(job, r, `requests[${i}].`));
    const results = await this.triggers.insertMany(requests, this.clock.now());
    const key = await this.keyOf(job);
    const items = results.map((r, i) => this.settle(r, requests[i]!, key));
    this.metrics.firesTotal.inc({ app_id: job.appId, trigger_type: 'API' }, items.filter((i) => i.outcome === 'CREATED').length);
    this.wakeDispatcher(items.flatMap((i) => (i.outcome === 'CREATED' ? [i.run!] : [])));
    return { items };
  }

  private toNewRun(job: JobEntity, body: TriggerBody, prefix: string): NewTriggeredRun {
    // Child runs use `child-of:<run>` keys to be created once; callers must not take those.
    if (body.idempotencyKey?.startsWith('child-of:')) throw invalidField(`${prefix}idempotencyKey`, 'keys starting with "child-of:" are reserved for child runs');
    if (body.shard && body.shard.index >= body.shard.total) throw invalidField(`${prefix}shard.index`, `must be below shard.total (${body.shard.total})`);
    return {
      jobId: job.id,
      appId: job.appId,
      triggerType: 'API',
      scheduledAt: this.dueAt(body, prefix),
      shardIndex: body.shard?.index ?? 0,
      shardTotal: body.shard?.total ?? 1,
      params: body.params === undefined ? job.params : serializeParams(body.params, this.config.paramsLimitBytes, `${prefix}params`),
      idempotencyKey: body.idempotencyKey ?? null,
    };
  }

  private dueAt(body: TriggerBody, prefix: string): Date {
    const now = this.clock.now();
    if (body.runAt !== undefined && body.delay !== undefined) throw invalidField(`${prefix}runAt`, 'give runAt or delay, not both');
    if (body.runAt !== undefined) {
      const at = Date.parse(body.runAt);
      if (at - now.getTime() > MAX_DELAY_MS) throw invalidField(`${prefix}runAt`, 'must be within 366 days from now');
      return new Date(Math.max(at, now.getTime()));
    }
    if (body.delay !== undefined) return new Date(now.getTime() + this.delayMs(body.delay, `${prefix}delay`));
    return now;
  }

  private delayMs(delay: unknown, field: string): number {
    if (typeof delay === 'number') {
      if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_MS) throw invalidField(field, 'must be whole milliseconds from 0 to 366 days, or an ISO 8601 duration such as PT30M');
      return delay;
    }
    if (typeof delay !== 'string') throw invalidField(field, 'must be milliseconds or an ISO 8601 duration such as PT30M');
    if (/^\d+$/.test(delay.trim())) return this.delayMs(Number(delay.trim()), field);
    try {
      return parseIntervalMs(delay);
    } catch (error) {
      if (error instanceof ScheduleError) throw invalidField(field, error.message.replace(/^Interval/, 'Delay'));
      throw error;
    }
  }

  /** Same key, same params: the earlier run. Same key, other params: a conflict. */
  private settle(result: InsertResult, request: NewTriggeredRun, jobKey: string): TriggerBatchItem {
    if (result.kind === 'created') return { outcome: 'CREATED', run: toRunDto(result.run, jobKey) };
    const same = canonical(result.run.params) === canonical(request.params);
    if (same) return { outcome: 'EXISTING', run: toRunDto(result.run, jobKey) };
    return {
      outcome: 'CONFLICT',
      run: toRunDto(result.run, jobKey),
      error: { code: 'IDEMPOTENCY_CONFLICT', message: `Idempotency key "${request.idempotencyKey}" was already used for this job with other params (run ${result.run.id}).` },
    };
  }

  private async keyOf(job: JobEntity): Promise<string> {
    return (await this.jobs.keysByIds([job.id])).get(job.id) ?? job.id;
  }

  /** A run due now need not wait for the dispatcher's next poll. */
  private wakeDispatcher(runs: RunDto[]): void {
    const now = this.clock.now().getTime();
    const due = runs.filter((r) => Date.parse(r.scheduledAt) <= now).map((r) => r.id);
    if (due.length) this.events.runsChanged(due);
  }
}

/** JSON text with object keys sorted, so {"a":1,"b":2} and {"b":2,"a":1} compare equal. */
function canonical(json: string | null): string {
  if (json === null) return 'null';
  return JSON.stringify(sortKeys(JSON.parse(json)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}
