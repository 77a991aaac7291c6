import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { RunDto } from '@baton/protocol';
import type { Response } from 'express';
import { BulkRetryBody, MAX_BULK_RETRY, type BulkRetryResult } from './dto/retries.dto.js';
import { RetriesService } from './retries.service.js';
import { RoutePolicies, allow, param } from '../auth/route-policy.js';
import { CallerScope } from '../auth/caller.decorators.js';
import type { AppScope } from '../auth/principal.js';

/** Retries and dead letters under /runs (the list of dead runs is `GET /runs?dead=true`). */
@ApiTags('runs')
@RoutePolicies<RetriesController>({
  retryMany: { allow: allow.anyApp('manage'), audit: 'run.retry_bulk' },
  retry: { allow: allow.app('manage', param.run()), audit: 'run.retry' },
})
@Controller('runs')
export class RetriesController {
  constructor(private readonly retries: RetriesService) {}

  @Post('retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retry dead runs in bulk',
    description:
      `Send either \`ids\` (1-${MAX_BULK_RETRY} run ids) or a filter (\`job\` and/or \`app\`: their dead runs, up to ${MAX_BULK_RETRY}, oldest first). ` +
      'Each dead run gets a new attempt due now and leaves the dead-letter list. Runs that are not dead, unknown, or already being retried are listed in `skipped` with the reason.',
  })
  @ApiAcceptedResponse({ description: '`{ retried: Run[], skipped: [{ runId, reason }] }`.' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: both or neither of ids and a filter, bad ids, unknown fields; INVALID_ID for a malformed job reference.' })
  @ApiNotFoundResponse({ description: 'JOB_NOT_FOUND, APP_NOT_FOUND (filter)' })
  retryMany(@Body() body: BulkRetryBody, @CallerScope() scope: AppScope): Promise<BulkRetryResult> {
    return this.retries.retryMany(body, scope);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retry a run',
    description:
      'Creates the next attempt of the run\'s chain (highest attempt + 1, same root run, params and shard; trigger type RETRY), due now, and takes the run off the dead-letter list. ' +
      'Allowed for a dead run, or one that ended FAILED, TIMED_OUT, LOST or CANCELLED. Idempotent while the retry is under way: a repeated or concurrent call gets the same new attempt with 200 instead of 202.',
  })
  @ApiParam({ name: 'id', description: 'The run id (decimal string).' })
  @ApiAcceptedResponse({ description: 'The new attempt (a run).' })
  @ApiOkResponse({ description: 'The attempt an earlier or concurrent retry of this run created, still under way.' })
  @ApiBadRequestResponse({ description: 'INVALID_ID' })
  @ApiNotFoundResponse({ description: 'RUN_NOT_FOUND' })
  @ApiConflictResponse({ description: 'RUN_NOT_RETRYABLE: the run is still going, SUCCEEDED or SKIPPED, or its job was deleted; the message says which.' })
  async retry(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<RunDto> {
    const { run, created } = await this.retries.retry(id);
    res.status(created ? 202 : 200);
    return run;
  }
}
