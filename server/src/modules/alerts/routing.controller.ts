import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { JobAlertRoutingDto } from '@baton/protocol';
import { PutRoutingBody } from './dto/routing.dto.js';
import { RoutingService } from './routing.service.js';
import { RoutePolicies, allow, param } from '../auth/route-policy.js';

const JOB_PARAM = { name: 'job', description: 'The job\'s id or key `app:name`.', example: 'billing:close-orders' };

/** A job's alert routing, under /jobs/:job/alerts. */
@ApiTags('alerts')
@RoutePolicies<RoutingController>({
  get: { allow: allow.app('read', param.job()) },
  put: { allow: allow.app('manage', param.job()), audit: 'job.alerts_update' },
})
@Controller('jobs')
export class RoutingController {
  constructor(private readonly routing: RoutingService) {}

  @Get(':job/alerts')
  @ApiOperation({ summary: 'Get a job\'s alert routing' })
  @ApiParam(JOB_PARAM)
  @ApiNotFoundResponse({ description: 'JOB_NOT_FOUND' })
  get(@Param('job') ref: string): Promise<JobAlertRoutingDto> {
    return this.routing.get(ref);
  }

  @Put(':job/alerts')
  @ApiOperation({
    summary: 'Set a job\'s alert routing',
    description: 'Replaces it: the channels (ids or names) the job alerts to, the kinds it alerts about (`events`, default all) and the suppression window.',
  })
  @ApiParam(JOB_PARAM)
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED (an unknown channel is reported at `channels[i]`)' })
  @ApiNotFoundResponse({ description: 'JOB_NOT_FOUND' })
  put(@Param('job') ref: string, @Body() body: PutRoutingBody): Promise<JobAlertRoutingDto> {
    return this.routing.put(ref, body);
  }
}
