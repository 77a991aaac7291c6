import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { StatsResponse } from '@baton/protocol';
import { StatsQueryDto } from './dto/stats.dto.js';
import { StatsService } from './stats.service.js';
import { RoutePolicies, allow } from '../auth/route-policy.js';
import { CallerScope } from '../auth/caller.decorators.js';
import type { AppScope } from '../auth/principal.js';

@ApiTags('stats')
@RoutePolicies<StatsController>({
  get: { allow: allow.anyApp('read') },
})
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @ApiOperation({
    summary: 'Run statistics',
    description:
      'Ended runs by final status, with average and maximum duration, per hour or UTC day, for one job, one app or everything; totals over the range. ' +
      'Read from hourly rollups kept as runs end (never by scanning runs). Default: the last 24 hours, hourly.',
  })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: a malformed from/to/bucket, from not before to, a range over 90 days (hour) or 400 days (day), a job outside the given app.' })
  @ApiNotFoundResponse({ description: 'APP_NOT_FOUND, JOB_NOT_FOUND' })
  get(@Query() query: StatsQueryDto, @CallerScope() scope: AppScope): Promise<StatsResponse> {
    return this.stats.get(query, scope);
  }
}
