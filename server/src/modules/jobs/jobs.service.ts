import { Injectable } from '@nestjs/common';
import type { JobDto, Page, SchedulePreviewResponse } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/http/pagination.js';
import { AppConfig } from '../../config/app-config.js';
import { AppsService } from '../apps/apps.service.js';
import type { ScheduleInput } from '../schedules/schedules.service.js';
import { SchedulesService } from '../schedules/schedules.service.js';
import type { ChildJobBody } from './dto/job-settings.dto.js';
import type { CopyJobBody, CreateJobBody, ListJobsQuery, UpdateJobBody } from './dto/job.dto.js';
import { toJobDto } from './job.mapper.js';
import type { JobEntity } from './job.entity.js';
import { jobKey, parseJobRef } from './job-ref.js';
import { JOB_DEFAULTS, mergeMisfire, mergeRetry, misfireColumns, misfireOf, retryColumns, retryOf, serializeParams } from './job-settings.js';
import { childNotFound, jobDependencyCycle, jobHasParents, jobNameTaken, jobNotFound, jobVersionConflict } from './jobs.errors.js';
import { JobsRepository, type ChildEdge, type JobPatch, type NewJob } from './jobs.repository.js';
import { appNotFound } from '../apps/apps.errors.js';
import { visibleAppIds, type AppScope } from '../auth/principal.js';

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly apps: AppsService,
    private readonly schedules: SchedulesService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async create(body: CreateJobBody): Promise<JobDto> {
    const app = await this.apps.resolve(body.app);
    const now = this.clock.now();
    const schedule = this.schedules.compileLive(body.schedule);
    const enabled = body.enabled ?? true;
    const children = await this.resolveChildren(body.children ?? []);
    const job: NewJob = {
      appId: app.id,
      name: body.name,
      handler: body.handler,
      description: body.description ?? '',
      owner: body.owner ?? '',
      scheduleType: schedule.spec.type,
      scheduleExpr: schedule.spec.expression,
      timezone: schedule.spec.timezone,
      ...misfireColumns(mergeMisfire(undefined, body.misfire, this.config.defaultMisfireThresholdMs)),
      routeStrategy: body.routeStrategy ?? JOB_DEFAULTS.routeStrategy,
      blockStrategy: body.blockStrategy ?? JOB_DEFAULTS.blockStrategy,
      timeoutMs: body.timeoutMs ?? JOB_DEFAULTS.timeoutMs,
      ...retryColumns(mergeRetry(undefined, body.retry)),
      params: serializeParams(body.params, this.config.paramsLimitBytes),
      enabled,
      nextFireAt: enabled ? this.schedules.firstFireAt(schedule) : null,
      lastFireAt: null,
      retentionDays: body.retentionDays ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const outcome = await this.jobs.insert(job, children);
    if (outcome.kind === 'app-missing') throw appNotFound(body.app);
    if (outcome.kind === 'name-taken') throw jobNameTaken(jobKey(app.name, body.name));
    return this.get(outcome.id);
  }

  async list(query: ListJobsQuery, scope: AppScope): Promise<Page<JobDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const appId = query.app ? (await this.apps.resolve(query.app)).id : undefined;
    const enabled = query.enabled === undefined ? undefined : query.enabled === 'true';
    const rows = await this.jobs.list({ appId, appIds: visibleAppIds(scope), enabled, scheduleType: query.scheduleType, text: query.q?.trim() || undefined }, decodeCursor(query.cursor), limit + 1);
    const page = toPage(rows, limit, (j) => j);
    return { items: await this.toDtos(page.items), nextCursor: page.nextCursor };
  }

  async get(ref: string): Promise<JobDto> {
    return (await this.toDtos([await this.resolve(ref)]))[0]!;
  }

  async update(ref: string, body: UpdateJobBody): Promise<JobDto> {
    const job = await this.resolve(ref);
    const key = await this.keyOf(job);
    if (body.version !== job.version) throw jobVersionConflict(key, body.version, job.version);
    const now = this.clock.now();
    const patch: JobPatch = { updatedAt: now };
    copyDefined(body, patch, ['name', 'handler', 'description', 'owner', 'routeStrategy', 'blockStrategy', 'timeoutMs', 'retentionDays', 'enabled']);
    if (body.misfire) Object.assign(patch, misfireColumns(mergeMisfire(misfireOf(job), body.misfire, this.config.defaultMisfireThresholdMs)));
    if (body.retry) Object.assign(patch, retryColumns(mergeRetry(retryOf(job), body.retry)));
    if (body.params !== undefined) patch.params = serializeParams(body.params, this.config.paramsLimitBytes);

    const scheduleInput: ScheduleInput = body.schedule
      ? { ...body.schedule, timezone: body.schedule.timezone ?? job.timezone }
      : { type: job.scheduleType, expression: job.scheduleExpr, timezone: job.timezone };
    const scheduleChanged = body.schedule !== undefined && !sameSchedule(scheduleInput, job);
    const enabled = body.enabled ?? job.enabled;
    const turnedOn = enabled && !job.enabled;
    if (scheduleChanged || turnedOn) {
      // Editing or re-enabling plans from now on: it never back-fills fires missed meanwhile.
      const schedule = this.schedules.compileLive(scheduleInput);
      Object.assign(patch, { scheduleType: schedule.spec.type, scheduleExpr: schedule.spec.expression, timezone: schedule.spec.timezone });
      patch.nextFireAt = enabled ? this.schedules.firstFireAt(schedule) : null;
    }
    if (!enabled) patch.nextFireAt = null;

    const children = body.children ? await this.resolveChildren(body.children) : undefined;
    const outcome = await this.jobs.update(job.id, body.version, patch, children);
    if (outcome.kind === 'name-taken') throw jobNameTaken(jobKey(key.split(':')[0]!, body.name ?? job.name));
    if (outcome.kind === 'cycle') throw jobDependencyCycle(await this.keysOf(outcome.path));
    if (outcome.kind === 'stale') {
      const current = await this.jobs.findById(job.id);
      if (!current) throw jobNotFound(ref);
      throw jobVersionConflict(key, body.version, current.version);
    }
    return this.get(job.id);
  }

  async setEnabled(ref: string, enabled: boolean): Promise<JobDto> {
    const job = await this.resolve(ref);
    const nextFireAt = enabled ? this.schedules.firstFireAt(this.schedules.compileLive({ type: job.scheduleType, expression: job.scheduleExpr, timezone: job.timezone })) : null;
    // Already in that state: nothing changes, and the answer is the same (idempotent).
    await this.jobs.setEnabled(job.id, enabled, nextFireAt, this.clock.now());
    return this.get(job.id);
  }

  async copy(ref: string, body: CopyJobBody): Promise<JobDto> {
    const source = await this.resolve(ref);
    const children = (await this.jobs.childrenOf([source.id])).get(source.id) ?? [];
    const app = body.app ? await this.apps.resolve(body.app) : null;
    const dto = (await this.toDtos([source]))[0]!;
    return this.create({
      app: app?.id ?? source.appId,
      name: body.name,
      handler: source.handler,
      description: source.description,
      owner: source.owner,
      schedule: dto.schedule,
      misfire: dto.misfire,
      routeStrategy: source.routeStrategy,
      blockStrategy: source.blockStrategy,
      timeoutMs: source.timeoutMs,
      retry: dto.retry,
      params: dto.params ?? undefined,
      children: children.map((c) => ({ job: c.childJobId, on: c.triggerOn })),
      enabled: body.enabled ?? false,
      retentionDays: source.retentionDays,
    });
  }

  async delete(ref: string): Promise<void> {
    const job = await this.resolve(ref);
    const outcome = await this.jobs.delete(job.id, this.clock.now());
    if (outcome.kind === 'missing') throw jobNotFound(ref);
    if (outcome.kind === 'has-parents') throw jobHasParents(await this.keyOf(job), await this.keysOf(outcome.parentIds));
  }

  async nextFireTimes(ref: string, count: number | undefined): Promise<SchedulePreviewResponse> {
    const job = await this.resolve(ref);
    const schedule = this.schedules.compile({ type: job.scheduleType, expression: job.scheduleExpr, timezone: job.timezone });
    // The planned next fire comes first (it may be a FIXED_DELAY or misfire time), then the schedule from it.
    return job.nextFireAt ? this.schedules.previewFrom(schedule, job.nextFireAt, count) : this.schedules.preview(schedule, undefined, count);
  }

  /** A job by id or key `app:name`. */
  async resolve(ref: string): Promise<JobEntity> {
    const parsed = parseJobRef(ref);
    let job: JobEntity | null;
    if (parsed.kind === 'id') {
      job = await this.jobs.findById(parsed.id);
    } else {
      const app = await this.apps.resolve(parsed.app).catch(() => null);
      job = app ? await this.jobs.findByKey(app.id, parsed.name) : null;
    }
    if (!job) throw jobNotFound(ref);
    return job;
  }

  private async resolveChildren(children: ChildJobBody[]): Promise<ChildEdge[]> {
    const edges: ChildEdge[] = [];
    for (const [index, child] of children.entries()) {
      const job = await this.resolve(child.job).catch(() => null);
      if (!job) throw childNotFound(index, child.job);
      if (edges.some((e) => e.childJobId === job.id)) continue;
      edges.push({ childJobId: job.id, triggerOn: child.on });
    }
    return edges;
  }

  private async keyOf(job: JobEntity): Promise<string> {
    const names = await this.apps.namesByIds([job.appId]);
    return jobKey(names.get(job.appId) ?? job.appId, job.name);
  }

  /** Job keys by id, for rendering runs; deleted jobs are absent. */
  async keysByIds(ids: string[]): Promise<Map<string, string>> {
    const jobs = await this.jobs.findByIds(ids);
    const names = await this.apps.namesByIds(jobs.map((j) => j.appId));
    return new Map(jobs.map((j) => [j.id, jobKey(names.get(j.appId) ?? j.appId, j.name)]));
  }

  private async keysOf(ids: string[]): Promise<string[]> {
    const jobs = new Map((await this.jobs.findByIds(ids)).map((j) => [j.id, j]));
    const names = await this.apps.namesByIds([...jobs.values()].map((j) => j.appId));
    return ids.map((id) => {
      const j = jobs.get(id);
      return j ? jobKey(names.get(j.appId) ?? j.appId, j.name) : id;
    });
  }

  /** Batch-loads what the DTOs show: app names, child edges and the children's keys. */
  private async toDtos(jobs: JobEntity[]): Promise<JobDto[]> {
    const children = await this.jobs.childrenOf(jobs.map((j) => j.id));
    const childIds = [...new Set([...children.values()].flat().map((e) => e.childJobId))];
    const childJobs = await this.jobs.findByIds(childIds);
    const appNames = await this.apps.namesByIds([...jobs, ...childJobs].map((j) => j.appId));
    const childKeys = new Map(childJobs.map((j) => [j.id, jobKey(appNames.get(j.appId) ?? j.appId, j.name)]));
    return jobs.map((j) => toJobDto(j, { appNames, children, childKeys }));
  }
}

function sameSchedule(input: ScheduleInput, job: JobEntity): boolean {
  return input.type === job.scheduleType && (input.expression ?? null) === job.scheduleExpr && input.timezone === job.timezone;
}

function copyDefined<K extends keyof UpdateJobBody & keyof JobPatch>(from: UpdateJobBody, to: JobPatch, keys: K[]): void {
  for (const k of keys) if (from[k] !== undefined) (to as Record<string, unknown>)[k] = from[k];
}
