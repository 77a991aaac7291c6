import type { ChildJobDto, JobDto } from '@baton/protocol';
import type { JobDependencyEntity } from './job-dependency.entity.js';
import type { JobEntity } from './job.entity.js';
import { jobKey } from './job-ref.js';
import { misfireOf, retryOf } from './job-settings.js';

export interface JobMappingContext {
  appNames: Map<string, string>;
  children: Map<string, JobDependencyEntity[]>;
  /** Keys of every child job referenced by `children`. */
  childKeys: Map<string, string>;
}

export function toJobDto(job: JobEntity, ctx: JobMappingContext): JobDto {
  const app = ctx.appNames.get(job.appId) ?? '';
  return {
    id: job.id,
    key: jobKey(app, job.name),
    appId: job.appId,
    app,
    name: job.name,
    handler: job.handler,
    description: job.description,
    owner: job.owner,
    schedule: { type: job.scheduleType, expression: job.scheduleExpr, timezone: job.timezone },
    misfire: misfireOf(job),
    routeStrategy: job.routeStrategy,
    blockStrategy: job.blockStrategy,
    timeoutMs: job.timeoutMs,
    retry: retryOf(job),
    params: job.params === null ? null : (JSON.parse(job.params) as unknown),
    children: (ctx.children.get(job.id) ?? []).map((e): ChildJobDto => ({ job: ctx.childKeys.get(e.childJobId) ?? e.childJobId, on: e.triggerOn })),
    enabled: job.enabled,
    nextFireAt: job.nextFireAt?.toISOString() ?? null,
    lastFireAt: job.lastFireAt?.toISOString() ?? null,
    retentionDays: job.retentionDays,
    version: job.version,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}
