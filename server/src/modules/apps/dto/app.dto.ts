import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { AppDto, AppWithTokenDto, CreateAppRequest, UpdateAppRequest } from '@baton/protocol';
import { PageQuery } from '../../../common/http/page.query.js';

export const APP_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export class CreateAppBody implements CreateAppRequest {
  @ApiProperty({ description: 'Unique app name: lowercase letters, digits, `_.-`, up to 64 characters. Executors log in with it.', example: 'billing' })
  @IsString()
  @Matches(APP_NAME_PATTERN, { message: 'name must be 1-64 lowercase letters, digits, "_", "." or "-", starting with a letter or digit' })
  name: string;

  @ApiPropertyOptional({ description: 'Free text, up to 512 characters.', example: 'Order and payment handlers' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  description?: string;
}

export class UpdateAppBody implements UpdateAppRequest {
  @ApiPropertyOptional({ description: 'Free text, up to 512 characters.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  description?: string;

  @ApiPropertyOptional({ description: 'The version you last read; when given, a stale update is refused with 409.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class RotateTokenBody {
  @ApiPropertyOptional({ description: 'How long the previous token stays valid, in ms (default EXECUTOR_TOKEN_GRACE_MS). 0 revokes it at once.', example: 600000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 86_400_000)
  graceMs?: number;
}

/** Apps are few; the list takes only the paging fields. */
export class ListAppsQuery extends PageQuery {}

export class AppView implements AppDto {
  @ApiProperty({ description: '64-bit id as a decimal string.' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'First characters of the current executor token.' }) tokenPrefix: string;
  @ApiProperty() tokenRotatedAt: string;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class AppWithTokenView extends AppView implements AppWithTokenDto {
  @ApiProperty({ description: 'The executor access token. Shown only now; store it in the executor\'s secret store.' }) token: string;
}
