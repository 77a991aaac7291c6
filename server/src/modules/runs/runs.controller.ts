import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page, RunDto, RunLogPage } from '@baton/protocol';
import { ListRunsQuery, RunLogsQuery } from './dto/runs.dto.js';
import { RunsService } from './runs.service.js';

const RUN_PARAM = { name: 'id', description: 'The run id (decimal string).' };

@ApiTags('runs')
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @ApiOperation({ summary: 'List runs', description: 'Newest first; filter by job, app, status and trigger type; keyset-paginated.' })
  list(@Query() query: ListRunsQuery): Promise<Page<RunDto>> {
    return this.runs.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a run', description: 'Status, every timestamp of its path (scheduled, dispatched, acknowledged, started, finished), result or error.' })
  @ApiParam(RUN_PARAM)
  @ApiNotFoundResponse({ description: 'RUN_NOT_FOUND' })
  get(@Param('id') id: string): Promise<RunDto> {
    return this.runs.get(id);
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
