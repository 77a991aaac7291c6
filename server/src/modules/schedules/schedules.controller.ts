import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SchedulePreviewResponse } from '@baton/protocol';
import { SchedulePreviewBody } from './dto/schedule.dto.js';
import { SchedulesService } from './schedules.service.js';
import { RoutePolicies, allow } from '../auth/route-policy.js';

@ApiTags('schedules')
@RoutePolicies<SchedulesController>({
  preview: { allow: allow.signedIn() },
})
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preview fire times',
    description: 'Validates a schedule and returns its next fire times as ISO 8601 instants with the zone\'s offset. FIXED_DELAY assumes runs take no time.',
  })
  @ApiBadRequestResponse({ description: 'INVALID_SCHEDULE or INVALID_TIMEZONE, naming the field.' })
  preview(@Body() body: SchedulePreviewBody): SchedulePreviewResponse {
    const schedule = this.schedules.compile(body, '');
    return this.schedules.preview(schedule, body.from ? new Date(body.from) : undefined, body.count);
  }
}
