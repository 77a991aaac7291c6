import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Min } from 'class-validator';
import { ALERT_CHANNEL_TYPES, type AlertChannelConfig, type AlertChannelType, type CreateAlertChannelRequest, type UpdateAlertChannelRequest } from '@baton/protocol';
import { PageQuery } from '../../../common/http/page.query.js';

/** Starts with a letter, so a name is never mistaken for an id. */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const NAME_MESSAGE = 'name must be 1-128 letters, digits, "_", "." or "-", starting with a letter';

const CONFIG_DOC =
  'Per type: WEBHOOK `{ url, secret?, secretHeader? }`; SLACK `{ url }`; DINGTALK `{ url, secret? }`; FEISHU `{ url, secret? }`; WECOM `{ url }`; ' +
  'EMAIL `{ host, port, secure?, user?, password?, from, to: [..] }`. URLs must be http(s). Unknown fields are refused. ' +
  'Secrets (chat webhook URLs, `secret`, `password`) are never returned.';

export class CreateChannelBody implements CreateAlertChannelRequest {
  @ApiProperty({ description: 'Unique name: letters, digits, `_.-`, up to 128, starting with a letter.', example: 'ops-slack' })
  @IsString()
  @Matches(CHANNEL_NAME_PATTERN, { message: NAME_MESSAGE })
  name: string;

  @ApiProperty({ enum: ALERT_CHANNEL_TYPES })
  @IsIn(ALERT_CHANNEL_TYPES, { message: `type must be one of ${ALERT_CHANNEL_TYPES.join(', ')}` })
  type: AlertChannelType;

  @ApiProperty({ description: CONFIG_DOC, type: 'object', additionalProperties: true, example: { url: 'https://hooks.slack.com/services/T000/B000/XXXX' } })
  @IsObject()
  config: AlertChannelConfig;

  @ApiPropertyOptional({ description: 'Default true. A disabled channel receives no alerts.' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateChannelBody implements UpdateAlertChannelRequest {
  @ApiProperty({ description: 'The version you last read; a stale one is refused with 409 VERSION_CONFLICT.' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(CHANNEL_NAME_PATTERN, { message: NAME_MESSAGE })
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    description: 'Merged into the stored config: a field given replaces it, null clears an optional one, a field left out (or a secret sent back masked, as shown) is kept. The type cannot change.',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;
}

export class ListChannelsQuery extends PageQuery {}
