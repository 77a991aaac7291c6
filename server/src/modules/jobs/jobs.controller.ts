import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { JobDto, Page, SchedulePreviewResponse } from '@baton/protocol';
import { NextFireTimesQuery } from '../schedules/dto/schedule.dto.js';
import { CopyJobBody, CreateJobBody, ListJobsQuery, UpdateJobBody } from './dto/job.dto.js';
import { JobsService } from './jobs.service.js';
import { RoutePolicies, allow, body, param } from '../auth/route-policy.js';
import { CallerScope } from '../auth/caller.decorators.js';
import type { AppScope } from '../auth/principal.js';

const JOB_PARAM = { name: 'job', description: 'The job\'s numeric id or its key `app:name`.', example: 'billing:close-unpaid-orders' };

@ApiTags('jobs')
@RoutePolicies<JobsController>({
  create: { allow: allow.app('manage', body.app()), audit: 'job.create' },
  list: { allow: allow.anyApp('read') },
  get: { allow: allow.app('read', param.job()) },
  update: { allow: allow.app('manage', param.job()), audit: 'job.update' },
  delete: { allow: allow.app('manage', param.job()), audit: 'job.delete' },
  enable: { allow: allow.app('manage', param.job()), audit: 'job.enable' },
  disable: { allow: allow.app('manage', param.job()), audit: 'job.disable' },
  copy: { allow: allow.app('manage', param.job(), body.app('app', true)), audit: 'job.copy' },
  nextFireTimes: { allow: allow.app('read', param.job()) },
})
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a job', description: 'The schedule is validated (and must fire again); children are checked for cycles.' })
  @ApiCreatedResponse({ description: 'The job, with its first planned fire in nextFireAt.' })
  @ApiConflictResponse({ description: 'JOB_NAME_TAKEN' })
  @ApiNotFoundResponse({ description: 'APP_NOT_FOUND' })
  create(@Body() body: CreateJobBody): Promise<JobDto> {
    return this.jobs.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List jobs', description: 'Filter by app, enabled, schedule type and text; keyset-paginated in id order.' })
  list(@Query() query: ListJobsQuery, @CallerScope() scope: AppScope): Promise<Page<JobDto>> {
    return this.jobs.list(query, scope);
  }

  @Get(':job')
  @ApiOperation({ summary: 'Get a job' })
  @ApiParam(JOB_PARAM)
  @ApiNotFoundResponse({ description: 'JOB_NOT_FOUND' })
  get(@Param('job') ref: string): Promise<JobDto> {
    return this.jobs.get(ref);
  }

  @Patch(':job')
  @ApiOperation({
    summary: 'Update a job',
    description: 'Send only what changes plus the `version` you read. A stale version gets 409 VERSION_CONFLICT. A new schedule plans from now on; missed fires are not back-filled.',
  })
  @ApiParam(JOB_PARAM)
  @ApiConflictResponse({ description: 'VERSION_CONFLICT or JOB_NAME_TAKEN' })
  @ApiUnprocessableEntityResponse({ description: 'JOB_DEPENDENCY_CYCLE' })
  update(@Param('job') ref: string, @Body() body: UpdateJobBody): Promise<JobDto> {
    return this.jobs.update(ref, body);
  }

  @Delete(':job')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a job', description: 'Refused with 409 JOB_HAS_PARENTS while other jobs list it as a child. Its runs not yet dispatched are cancelled; history is kept.' })
  @ApiParam(JOB_PARAM)
  @ApiNoContentResponse()
  delete(@Param('job') ref: string): Promise<void> {
    return this.jobs.delete(ref);
  }

  @Post(':job/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a job', description: 'Plans the next fire from now (no back-fill). Idempotent.' })
  @ApiParam(JOB_PARAM)
  enable(@Param('job') ref: string): Promise<JobDto> {
    return this.jobs.setEnabled(ref, true);
  }

  @Post(':job/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a job', description: 'Stops planning fires. Idempotent.' })
  @ApiParam(JOB_PARAM)
  disable(@Param('job') ref: string): Promise<JobDto> {
    return this.jobs.setEnabled(ref, false);
  }

  @Post(':job/copy')
  @ApiOperation({ summary: 'Copy a job', description: 'Same settings and children under a new name (and optionally app). Disabled unless `enabled` is true.' })
  @ApiParam(JOB_PARAM)
  copy(@Param('job') ref: string, @Body() body: CopyJobBody): Promise<JobDto> {
    return this.jobs.copy(ref, body);
  }

  @Get(':job/next-fire-times')
  @ApiOperation({ summary: 'Next fire times of a saved job', description: 'ISO 8601 instants with the job zone\'s offset.' })
  @ApiParam(JOB_PARAM)
  nextFireTimes(@Param('job') ref: string, @Query() query: NextFireTimesQuery): Promise<SchedulePreviewResponse> {
    return this.jobs.nextFireTimes(ref, query.count);
  }
}
