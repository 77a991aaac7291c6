import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page, RunDto, RunLogPage } from '@baton/protocol';
import { GetRunQuery, ListRunsQuery, RunLogsQuery } from './dto/runs.dto.js';
import { RunsService } from './runs.service.js';
import { RoutePolicies, allow, param } from '../auth/route-policy.js';
import { CallerScope } from '../auth/caller.decorators.js';
import type { AppScope } from '../auth/principal.js';

const RUN_PARAM = { name: 'id', description: 'The run id (decimal string).' };

@ApiTags('runs')
@RoutePolicies<RunsController>({
  list: { allow: allow.anyApp('read') },
  get: { allow: allow.app('read', param.run()) },
  // Cancelling a run that has not started belongs with triggering it ("close order 42 in 30 min" may be called off).
  cancel: { allow: allow.app('trigger', param.run()), audit: 'run.cancel' },
  logs: { allow: allow.app('read', param.run()) },
  kill: { allow: allow.app('manage', param.run()), audit: 'run.kill' },
})
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @ApiOperation({ summary: 'List runs', description: 'Newest first; filter by job, app, status and trigger type; keyset-paginated.' })
  list(@Query() query: ListRunsQuery, @CallerScope() scope: AppScope): Promise<Page<RunDto>> {
    return this.runs.list(query, scope);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a run',
    description: 'Status, every timestamp of its path (scheduled, dispatched, acknowledged, started, finished), result or error. With `waitMs`, waits (up to 60 s) until the run has ended.',
  })
  @ApiParam(RUN_PARAM)
  @ApiNotFoundResponse({ description: 'RUN_NOT_FOUND' })
  get(@Param('id') id: string, @Query() query: GetRunQuery, @Req() req: Request): Promise<RunDto> {
    if (!query.waitMs) return this.runs.get(id);
    return this.runs.getWhenFinal(id, query.waitMs, () => req.socket.destroyed);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a run that has not started', description: 'A SCHEDULED run (waiting for its time or an executor) ends CANCELLED and never starts. A run already sent gets 409 RUN_ALREADY_STARTED: kill it instead.' })
  @ApiParam(RUN_PARAM)
  @ApiConflictResponse({ description: 'RUN_ALREADY_STARTED or RUN_ALREADY_FINISHED' })
  cancel(@Param('id') id: string): Promise<RunDto> {
    return this.runs.cancel(id);
  }

  @Get(':id/logs')
  @ApiOperation({ summary: 'A run\'s log', description: 'Chunks of lines after `after` (a sequence number), in order. Poll with the returned lastSeq, or follow live over the /console socket.' })
  @ApiParam(RUN_PARAM)
  logs(@Param('id') id: string, @Query() query: RunLogsQuery): Promise<RunLogPage> {
    return this.runs.logs(id, query);
  }

  @Post(':id/kill')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Kill a run',
    description: 'A run not yet sent is cancelled at once. A running one has its AbortSignal aborted; it ends CANCELLED when the executor reports, or after KILL_GRACE_MS regardless.',
  })
  @ApiParam(RUN_PARAM)
  @ApiConflictResponse({ description: 'RUN_ALREADY_FINISHED' })
  kill(@Param('id') id: string): Promise<RunDto> {
    return this.runs.kill(id);
  }
}
