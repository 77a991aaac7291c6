import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { AUDIT_ACTOR_TYPES, type AuditActorType, type ListAuditQuery } from '@baton/protocol';
import { PageQuery } from '../../../common/http/page.query.js';

export class ListAuditQueryDto extends PageQuery implements ListAuditQuery {
  @ApiPropertyOptional({ enum: AUDIT_ACTOR_TYPES })
  @IsOptional()
  @IsIn(AUDIT_ACTOR_TYPES)
  actorType?: AuditActorType;

  @ApiPropertyOptional({ description: 'User or API key id.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actorId?: string;

  @ApiPropertyOptional({ description: 'e.g. `job.update`, `auth.login_failed`.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ description: 'e.g. `job`, `user`, `api_key`.' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  targetType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  targetId?: string;

  @ApiPropertyOptional({ description: 'Entries at or after this instant (ISO 8601).' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'Entries before this instant (ISO 8601).' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}
