import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { ExecutorInstanceDto } from '@baton/protocol';
import { ExecutorsService } from './executors.service.js';
import { RoutePolicies, allow, param } from '../auth/route-policy.js';
import { CallerScope } from '../auth/caller.decorators.js';
import type { AppScope } from '../auth/principal.js';

export class ListExecutorsQuery {
  @ApiPropertyOptional({ description: 'Only instances of this app (name or id).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  app?: string;
}

@ApiTags('executors')
@RoutePolicies<ExecutorsController>({
  list: { allow: allow.anyApp('read') },
  drain: { allow: allow.app('manage', param.executor()), audit: 'executor.drain' },
})
@Controller('executors')
export class ExecutorsController {
  constructor(private readonly executors: ExecutorsService) {}

  @Get()
  @ApiOperation({ summary: 'Executor instances', description: 'Connected (ONLINE) and recently silent (OFFLINE) instances with their handlers, concurrency and load.' })
  list(@Query() query: ListExecutorsQuery, @CallerScope() scope: AppScope): Promise<ExecutorInstanceDto[]> {
    return this.executors.list(query.app, scope);
  }

  @Post(':instanceId/drain')
  @HttpCode(202)
  @ApiOperation({ summary: 'Drain an executor instance', description: 'It stops taking new runs; the ones it is running finish. Until the process restarts.' })
  @ApiParam({ name: 'instanceId', description: 'The instance id shown by GET /executors.' })
  @ApiNotFoundResponse({ description: 'EXECUTOR_NOT_CONNECTED' })
  drain(@Param('instanceId') instanceId: string): { instanceId: string; draining: true } {
    return this.executors.drain(instanceId);
  }
}
