import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { RunDto, TriggerBatchResponse } from '@baton/protocol';
import { TriggerBatchBody, TriggerBody } from './dto/trigger.dto.js';
import { TriggersService } from './triggers.service.js';
import { RoutePolicies, allow, param } from '../auth/route-policy.js';

const JOB_PARAM = { name: 'job', description: 'The job\'s numeric id or its key `app:name`.', example: 'billing:close-order' };

@ApiTags('triggers')
@RoutePolicies<TriggersController>({
  trigger: { allow: allow.app('trigger', param.job()), audit: 'job.trigger' },
  triggerBatch: { allow: allow.app('trigger', param.job()), audit: 'job.trigger_batch' },
})
@Controller('jobs')
export class TriggersController {
  constructor(private readonly triggers: TriggersService) {}

  @Post(':job/trigger')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Trigger a run',
    description:
      'Creates one run of the job, now, at `runAt`, or after `delay`: a durable SCHEDULED run that survives restarts and fires on time. ' +
      'With an `idempotencyKey` already used for this job and the same params, the earlier run is returned with 200; with other params, 409 IDEMPOTENCY_CONFLICT. ' +
      'Works for disabled jobs and jobs with schedule NONE too.',
  })
  @ApiParam(JOB_PARAM)
  @ApiAcceptedResponse({ description: 'The new run (id, status SCHEDULED, scheduledAt).' })
  @ApiOkResponse({ description: 'The run created earlier with the same idempotency key.' })
  @ApiConflictResponse({ description: 'IDEMPOTENCY_CONFLICT' })
  @ApiNotFoundResponse({ description: 'JOB_NOT_FOUND' })
  async trigger(@Param('job') job: string, @Body() body: TriggerBody, @Res({ passthrough: true }) res: Response): Promise<RunDto> {
    const result = await this.triggers.trigger(job, body);
    if (!result.created) res.status(200);
    return result.run;
  }

  @Post(':job/trigger-batch')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Trigger up to 1,000 runs',
    description: 'For high-rate producers: one call, one insert. Each request has its own params, time and idempotency key, and its own outcome (CREATED, EXISTING or CONFLICT) in the same order.',
  })
  @ApiParam(JOB_PARAM)
  triggerBatch(@Param('job') job: string, @Body() body: TriggerBatchBody): Promise<TriggerBatchResponse> {
    return this.triggers.triggerBatch(job, body);
  }
}
