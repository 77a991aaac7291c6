import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AlertChannelDto, AlertChannelTestResult, Page } from '@baton/protocol';
import { ChannelsService } from './channels.service.js';
import { CreateChannelBody, ListChannelsQuery, UpdateChannelBody } from './dto/channel.dto.js';
import { RoutePolicies, allow } from '../auth/route-policy.js';

const CHANNEL_PARAM = { name: 'channel', description: 'The channel\'s id or name.', example: 'ops-slack' };
const MASKED = 'Secrets (chat webhook URLs, signing secrets, SMTP passwords) are masked; `secrets` says which are set.';

@ApiTags('alerts')
@RoutePolicies<ChannelsController>({
  // Channels are shared settings: everyone signed in sees them (secrets masked) to route alerts; only admins change them.
  create: { allow: allow.admin(), audit: 'alert_channel.create' },
  list: { allow: allow.roles('admin', 'operator', 'viewer') },
  get: { allow: allow.roles('admin', 'operator', 'viewer') },
  update: { allow: allow.admin(), audit: 'alert_channel.update' },
  delete: { allow: allow.admin(), audit: 'alert_channel.delete' },
  test: { allow: allow.admin(), audit: 'alert_channel.test' },
})
@Controller('alert-channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an alert channel', description: `Validates the config for the type strictly. ${MASKED}` })
  @ApiCreatedResponse({ description: 'The channel.' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, each problem by field path (e.g. `config.url`).' })
  @ApiConflictResponse({ description: 'ALERT_CHANNEL_NAME_TAKEN' })
  create(@Body() body: CreateChannelBody): Promise<AlertChannelDto> {
    return this.channels.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List alert channels', description: `Keyset-paginated in id order. ${MASKED}` })
  list(@Query() query: ListChannelsQuery): Promise<Page<AlertChannelDto>> {
    return this.channels.list(query);
  }

  @Get(':channel')
  @ApiOperation({ summary: 'Get an alert channel', description: MASKED })
  @ApiParam(CHANNEL_PARAM)
  @ApiNotFoundResponse({ description: 'ALERT_CHANNEL_NOT_FOUND' })
  get(@Param('channel') ref: string): Promise<AlertChannelDto> {
    return this.channels.get(ref);
  }

  @Patch(':channel')
  @ApiOperation({
    summary: 'Update an alert channel',
    description: 'Send the `version` you read. `config` is merged field by field: omit a secret (or send back the masked value) to keep it, send null to clear an optional field.',
  })
  @ApiParam(CHANNEL_PARAM)
  @ApiOkResponse({ description: 'The channel.' })
  @ApiConflictResponse({ description: 'VERSION_CONFLICT, ALERT_CHANNEL_NAME_TAKEN' })
  update(@Param('channel') ref: string, @Body() body: UpdateChannelBody): Promise<AlertChannelDto> {
    return this.channels.update(ref, body);
  }

  @Delete(':channel')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an alert channel', description: 'Refused with 409 ALERT_CHANNEL_IN_USE while jobs route alerts to it (details.jobs lists them). Its history stays.' })
  @ApiParam(CHANNEL_PARAM)
  @ApiNoContentResponse()
  delete(@Param('channel') ref: string): Promise<void> {
    return this.channels.delete(ref);
  }

  @Post(':channel/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a test alert', description: 'Sends one test message now and reports `{ delivered, error, durationMs }` (errors with secrets removed). Not recorded in the history.' })
  @ApiParam(CHANNEL_PARAM)
  test(@Param('channel') ref: string): Promise<AlertChannelTestResult> {
    return this.channels.test(ref);
  }
}
