import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ALERT_KINDS, type AlertKind, type PutJobAlertRoutingRequest } from '@baton/protocol';

export const MAX_SUPPRESS_WINDOW_MS = 7 * 86_400_000;
export const MAX_ROUTED_CHANNELS = 20;

export class PutRoutingBody implements PutJobAlertRoutingRequest {
  @ApiProperty({ description: `Channel ids or names (at most ${MAX_ROUTED_CHANNELS}); [] turns the job's alerts off.`, example: ['ops-slack'] })
  @IsArray()
  @ArrayMaxSize(MAX_ROUTED_CHANNELS)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  channels: string[];

  @ApiProperty({ description: 'After an alert of (this job, kind, channel) went out, further ones within this many ms are recorded SUPPRESSED, not sent. 0 to 7 days.', example: 600000 })
  @IsInt()
  @Min(0)
  @Max(MAX_SUPPRESS_WINDOW_MS)
  suppressWindowMs: number;

  @ApiPropertyOptional({ enum: ALERT_KINDS, isArray: true, description: 'The kinds this job alerts about; default all.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(ALERT_KINDS, { each: true, message: `each of events must be one of ${ALERT_KINDS.join(', ')}` })
  events?: AlertKind[];
}
