import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ALERT_KINDS, ALERT_STATUSES, type AlertKind, type AlertStatus } from '@baton/protocol';
import { PageQuery } from '../../../common/http/page.query.js';

export class ListAlertsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only alerts of this job (id or app:name).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  job?: string;

  @ApiPropertyOptional({ description: 'Only alerts to this channel (id or name).' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  channel?: string;

  @ApiPropertyOptional({ enum: ALERT_STATUSES })
  @IsOptional()
  @IsIn(ALERT_STATUSES, { message: `status must be one of ${ALERT_STATUSES.join(', ')}` })
  status?: AlertStatus;

  @ApiPropertyOptional({ enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS, { message: `kind must be one of ${ALERT_KINDS.join(', ')}` })
  kind?: AlertKind;
}
