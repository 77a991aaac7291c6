import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page, RunDto } from '@baton/protocol';
import { PageQuery } from '../../common/http/page.query.js';
import { ChildrenService } from './children.service.js';
import { RoutePolicies, allow, param } from '../auth/route-policy.js';

/** Child runs under /runs (the runs of jobs started by another run's end). */
@ApiTags('runs')
@RoutePolicies<ChildrenController>({
  list: { allow: allow.app('read', param.run()) },
})
@Controller('runs')
export class ChildrenController {
  constructor(private readonly children: ChildrenService) {}

  @Get(':id/children')
  @ApiOperation({
    summary: 'List the child runs of a run',
    description:
      'The runs this run\'s end started for its job\'s children (trigger type CHILD, `parentRunId` = this run), oldest first, keyset-paginated; retries of those child runs are listed too. ' +
      'A child is started when its condition holds for the parent chain\'s final outcome: SUCCESS, FAILURE (after the last attempt) or ALWAYS. Children cut by CHILD_CHAIN_MAX_DEPTH are listed as SKIPPED. ' +
      'For a SHARDING_BROADCAST fire the children hang under one shard run: shard 0 when every shard succeeded, else the lowest failed shard.',
  })
  @ApiParam({ name: 'id', description: 'The run id (decimal string).' })
  @ApiOkResponse({ description: '`{ items: Run[], nextCursor }`.' })
  @ApiBadRequestResponse({ description: 'INVALID_ID, VALIDATION_FAILED (limit, cursor)' })
  @ApiNotFoundResponse({ description: 'RUN_NOT_FOUND' })
  list(@Param('id') id: string, @Query() query: PageQuery): Promise<Page<RunDto>> {
    return this.children.childrenOf(id, query);
  }
}
