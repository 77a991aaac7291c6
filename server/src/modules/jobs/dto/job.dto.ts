import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { BLOCK_STRATEGIES, ROUTE_STRATEGIES, SCHEDULE_TYPES, type BlockStrategy, type CopyJobRequest, type CreateJobRequest, type RouteStrategy, type ScheduleType } from '@baton/protocol';
import { ScheduleBody } from '../../schedules/dto/schedule.dto.js';
import { ChildJobBody, DAY_MS, MAX_CHILDREN, MisfireBody, RetryBody } from './job-settings.dto.js';
import { PageQuery } from '../../../common/http/page.query.js';

export const JOB_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const HANDLER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;
const NAME_MESSAGE = 'name must be 1-128 letters, digits, "_", "." or "-", starting with a letter or digit';
const HANDLER_MESSAGE = 'handler must be 1-128 letters, digits, "_", ".", ":", "/" or "-", starting with a letter or digit';

export class CreateJobBody implements CreateJobRequest {
  @ApiProperty({ description: 'The app (executor group) by name or id.', example: 'billing' })
  @IsString()
  @MaxLength(64)
  @Matches(/\S/, { message: 'app must name an app' })
  app: string;

  @ApiProperty({ description: 'Unique within the app; the job key is `app:name`.', example: 'close-unpaid-orders' })
  @IsString()
  @Matches(JOB_NAME_PATTERN, { message: NAME_MESSAGE })
  name: string;

  @ApiProperty({ description: 'The handler name an executor registered with `executor.handle(name, …)`.', example: 'order.closeUnpaid' })
  @IsString()
  @Matches(HANDLER_PATTERN, { message: HANDLER_MESSAGE })
  handler: string;

  @ApiPropertyOptional({ description: 'Up to 512 characters.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  description?: string;

  @ApiPropertyOptional({ description: 'Who to ask about this job, up to 128 characters.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  owner?: string;

  @ApiProperty({ type: ScheduleBody })
  @IsDefined({ message: 'schedule is required, e.g. { "type": "CRON", "expression": "0 */5 * * * ?" }' })
  @ValidateNested()
  @Type(() => ScheduleBody)
  schedule: ScheduleBody;

  @ApiPropertyOptional({ type: MisfireBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => MisfireBody)
  misfire?: MisfireBody;

  @ApiPropertyOptional({ enum: ROUTE_STRATEGIES, description: 'Which executor instance gets a run (default ROUND_ROBIN).' })
  @IsOptional()
  @IsIn(ROUTE_STRATEGIES, { message: `routeStrategy must be one of ${ROUTE_STRATEGIES.join(', ')}` })
  routeStrategy?: RouteStrategy;

  @ApiPropertyOptional({ enum: BLOCK_STRATEGIES, description: 'What happens when a fire comes while the previous run is still going (default SERIAL).' })
  @IsOptional()
  @IsIn(BLOCK_STRATEGIES, { message: `blockStrategy must be one of ${BLOCK_STRATEGIES.join(', ')}` })
  blockStrategy?: BlockStrategy;

  @ApiPropertyOptional({ description: 'Abort a run after this many ms; 0 = no timeout (default). At most 7 days.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * DAY_MS)
  timeoutMs?: number;

  @ApiPropertyOptional({ type: RetryBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryBody)
  retry?: RetryBody;

  @ApiPropertyOptional({ description: 'Any JSON value handed to the handler as ctx.params (at most PARAMS_LIMIT_BYTES serialized, default 64 KiB).' })
  @Allow()
  params?: unknown;

  @ApiPropertyOptional({ type: [ChildJobBody], description: `Jobs to start when this one ends (at most ${MAX_CHILDREN}). Cycles are refused.` })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHILDREN)
  @ValidateNested({ each: true })
  @Type(() => ChildJobBody)
  children?: ChildJobBody[];

  @ApiPropertyOptional({ description: 'Default true.' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Keep run history this many days, 1-3650; null = server default.' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number | null;
}

export class UpdateJobBody extends PartialType(OmitType(CreateJobBody, ['app'] as const)) {
  @ApiProperty({ description: 'The version you last read. A stale version is refused with 409 VERSION_CONFLICT.' })
  @IsInt({ message: 'version is required: send the version you last read' })
  @Min(1)
  version: number;
}

export class CopyJobBody implements CopyJobRequest {
  @ApiProperty({ description: 'Name of the copy.' })
  @IsString()
  @Matches(JOB_NAME_PATTERN, { message: NAME_MESSAGE })
  name: string;

  @ApiPropertyOptional({ description: 'App of the copy (default: the same app).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  app?: string;

  @ApiPropertyOptional({ description: 'Default false, so a copy does not fire before it is reviewed.' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ListJobsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only jobs of this app (name or id).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  app?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'enabled must be true or false' })
  enabled?: 'true' | 'false';

  @ApiPropertyOptional({ enum: SCHEDULE_TYPES })
  @IsOptional()
  @IsIn(SCHEDULE_TYPES, { message: `scheduleType must be one of ${SCHEDULE_TYPES.join(', ')}` })
  scheduleType?: ScheduleType;

  @ApiPropertyOptional({ description: 'Text found in the name, handler, description or owner.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  q?: string;
}
