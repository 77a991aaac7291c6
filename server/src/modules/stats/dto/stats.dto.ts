import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { STATS_BUCKETS, STATS_MAX_RANGE_DAYS, type StatsBucket, type StatsQuery } from '@baton/protocol';

/** `GET /stats` query. The range rules (from before to, at most 90/400 days) live in resolveStatsRange. */
export class StatsQueryDto implements StatsQuery {
  @ApiPropertyOptional({ description: 'Only runs of this app (name or id).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  app?: string;

  @ApiPropertyOptional({ description: 'Only runs of this job (id or app:name).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  job?: string;

  @ApiPropertyOptional({ description: 'Start, an ISO 8601 instant (default: `to` minus 24 hours); rounded down to a whole bucket (UTC).', example: '2026-11-20T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 instant, e.g. 2026-11-20T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'End, an ISO 8601 instant (default: now); rounded up to a whole bucket (UTC).', example: '2026-11-21T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 instant, e.g. 2026-11-21T00:00:00Z' })
  to?: string;

  @ApiPropertyOptional({
    enum: STATS_BUCKETS,
    description: `Bucket size (UTC), default hour. to - from may span at most ${STATS_MAX_RANGE_DAYS.hour} days with hour buckets, ${STATS_MAX_RANGE_DAYS.day} with day buckets.`,
  })
  @IsOptional()
  @IsIn(STATS_BUCKETS, { message: `bucket must be one of ${STATS_BUCKETS.join(', ')}` })
  bucket?: StatsBucket;
}
