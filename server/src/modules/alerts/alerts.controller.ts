import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AlertDto, Page } from '@baton/protocol';
import { AlertsService } from './alerts.service.js';
import { ListAlertsQuery } from './dto/alerts.dto.js';

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alert history', description: 'Newest first, keyset-paginated; filter by job, channel, status and kind. Never includes a secret.' })
  @ApiNotFoundResponse({ description: 'JOB_NOT_FOUND, ALERT_CHANNEL_NOT_FOUND (filters)' })
  list(@Query() query: ListAlertsQuery): Promise<Page<AlertDto>> {
    return this.alerts.list(query);
  }
}
