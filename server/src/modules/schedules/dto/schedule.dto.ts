import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { SCHEDULE_TYPES, type ScheduleDto, type SchedulePreviewRequest, type ScheduleType } from '@baton/protocol';

const EXPRESSION_DOC =
  'CRON: Quartz (6-7 fields, with seconds) or Unix (5 fields) expression, or a macro like `@hourly`. ' +
  'FIXED_RATE / FIXED_DELAY: ISO 8601 duration (`PT30S`) or milliseconds (`30000`), at least 1 s. ' +
  'ONCE: ISO 8601 instant with offset. NONE: null, or leave it out.';

/** An expression is checked unless it is null, or left out of a NONE schedule (which has none). */
const expressionGiven = (o: { type?: unknown }, v: unknown): boolean => v !== null && !(v === undefined && o.type === 'NONE');

export class ScheduleBody implements ScheduleDto {
  @ApiProperty({ enum: SCHEDULE_TYPES, description: 'How the job is fired. NONE = only by API, manually or as a child job.' })
  @IsIn(SCHEDULE_TYPES, { message: `type must be one of ${SCHEDULE_TYPES.join(', ')}` })
  type: ScheduleType;

  @ApiProperty({ type: String, nullable: true, description: EXPRESSION_DOC, example: '0 */5 * * * ?' })
  @ValidateIf(expressionGiven)
  @IsString()
  @MaxLength(255)
  expression: string | null;

  @ApiPropertyOptional({ description: 'IANA time zone the expression is read in (default UTC).', example: 'Europe/Berlin' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone: string;
}

export class SchedulePreviewBody implements SchedulePreviewRequest {
  @ApiProperty({ enum: SCHEDULE_TYPES })
  @IsIn(SCHEDULE_TYPES, { message: `type must be one of ${SCHEDULE_TYPES.join(', ')}` })
  type: ScheduleType;

  @ApiProperty({ type: String, nullable: true, description: EXPRESSION_DOC })
  @ValidateIf(expressionGiven)
  @IsString()
  @MaxLength(255)
  expression: string | null;

  @ApiPropertyOptional({ description: 'IANA time zone (default UTC).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ description: 'List fire times after this instant (default now).' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 instant, e.g. 2026-01-01T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'How many fire times, 1-100 (default 10).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  count?: number;
}

export class NextFireTimesQuery {
  @ApiPropertyOptional({ description: 'How many fire times, 1-100 (default 10).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  count?: number;
}
