import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AlertDto, Page } from '@baton/protocol';
import { AlertsService } from './alerts.service.js';
import { ListAlertsQuery } from './dto/alerts.dto.js';
import { RoutePolicies, allow } from '../auth/route-policy.js';
import { CallerScope } from '../auth/caller.decorators.js';
import type { AppScope } from '../auth/principal.js';

@ApiTags('alerts')
@RoutePolicies<AlertsController>({
  list: { allow: allow.anyApp('read') },
})
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({ summary: 'Alert history', description: 'Newest first, keyset-paginated; filter by job, channel, status and kind. Never includes a secret.' })
  @ApiNotFoundResponse({ description: 'JOB_NOT_FOUND, ALERT_CHANNEL_NOT_FOUND (filters)' })
  list(@Query() query: ListAlertsQuery, @CallerScope() scope: AppScope): Promise<Page<AlertDto>> {
    return this.alerts.list(query, scope);
  }
}
