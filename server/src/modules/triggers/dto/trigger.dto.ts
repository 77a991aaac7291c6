import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import type { TriggerBatchRequest, TriggerRequest } from '@baton/protocol';

export const MAX_BATCH = 1_000;

export class ShardBody {
  @ApiProperty({ description: 'Shard index, 0-based, below total.' })
  @IsInt()
  @Min(0)
  @Max(9_999)
  index: number;

  @ApiProperty({ description: 'Number of shards, 1-10000.' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  total: number;
}

export class TriggerBody implements TriggerRequest {
  @ApiPropertyOptional({ description: 'Handed to the handler as ctx.params (any JSON, at most PARAMS_LIMIT_BYTES). Default: the job\'s params.' })
  @Allow()
  params?: unknown;

  @ApiPropertyOptional({ description: 'When to run: an ISO 8601 instant with offset. A past instant means now. Exclusive with delay.', example: '2026-11-21T10:30:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'runAt must be an ISO 8601 instant, e.g. 2026-11-21T10:30:00Z' })
  runAt?: string;

  @ApiPropertyOptional({ description: 'Run after this long: milliseconds (number) or an ISO 8601 duration such as PT30M. At most 366 days. Exclusive with runAt.', example: 'PT30M' })
  @IsOptional()
  @Allow()
  delay?: number | string;

  @ApiPropertyOptional({ description: '1-128 letters, digits or ._:-. The same key for the same job returns the same run; with different params it is refused with 409.', example: 'close-order-42' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'idempotencyKey must be 1-128 letters, digits, ".", "_", ":" or "-"' })
  idempotencyKey?: string;

  @ApiPropertyOptional({ type: ShardBody, description: 'Run as this shard (default 0 of 1).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ShardBody)
  shard?: ShardBody;
}

export class TriggerBatchBody implements TriggerBatchRequest {
  @ApiProperty({ type: [TriggerBody], description: `1-${MAX_BATCH} trigger requests, each with its own params and idempotency key.` })
  @IsDefined()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @ValidateNested({ each: true })
  @Type(() => TriggerBody)
  requests: TriggerBody[];
}
