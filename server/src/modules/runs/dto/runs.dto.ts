import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RUN_STATUSES, TRIGGER_TYPES, type RunStatus, type TriggerType } from '@baton/protocol';
import { PageQuery } from '../../../common/http/page.query.js';

export class ListRunsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only runs of this job (id or app:name).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  job?: string;

  @ApiPropertyOptional({ description: 'Only runs of this app (name or id).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  app?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES, { message: `status must be one of ${RUN_STATUSES.join(', ')}` })
  status?: RunStatus;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only dead runs (the last attempt failed), the dead-letter list.' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'dead must be true or false' })
  dead?: 'true' | 'false';

  @ApiPropertyOptional({ enum: TRIGGER_TYPES })
  @IsOptional()
  @IsIn(TRIGGER_TYPES, { message: `triggerType must be one of ${TRIGGER_TYPES.join(', ')}` })
  triggerType?: TriggerType;

  @ApiPropertyOptional({ description: 'Only runs scheduled at or after this ISO 8601 instant.', example: '2026-11-20T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 instant, e.g. 2026-11-20T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'Only runs scheduled before this ISO 8601 instant.', example: '2026-11-21T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 instant, e.g. 2026-11-21T00:00:00Z' })
  to?: string;
}

export class GetRunQuery {
  @ApiPropertyOptional({ description: 'Wait up to this many ms (0-60000) for the run to end before answering; answers at once when it already has.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  waitMs?: number;
}

export class RunLogsQuery {
  @ApiPropertyOptional({ description: 'Return chunks after this sequence number (default 0: from the start).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ description: 'Most chunks to return, 1-500 (default 100).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
