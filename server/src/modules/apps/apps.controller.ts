import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AppDto, AppWithTokenDto, Page } from '@baton/protocol';
import { AppsService } from './apps.service.js';
import { AppView, AppWithTokenView, CreateAppBody, ListAppsQuery, RotateTokenBody, UpdateAppBody } from './dto/app.dto.js';
import { RoutePolicies, allow, param } from '../auth/route-policy.js';
import { CallerScope } from '../auth/caller.decorators.js';
import type { AppScope } from '../auth/principal.js';

const APP_PARAM = { name: 'app', description: 'The app\'s id or name.', example: 'billing' };

@ApiTags('apps')
@RoutePolicies<AppsController>({
  create: { allow: allow.admin(), audit: 'app.create' },
  list: { allow: allow.anyApp('read') },
  get: { allow: allow.app('read', param.app()) },
  update: { allow: allow.app('manage', param.app()), audit: 'app.update' },
  delete: { allow: allow.admin(), audit: 'app.delete' },
  rotateToken: { allow: allow.app('manage', param.app()), audit: 'app.rotate_token' },
})
@Controller('apps')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an app (executor group)', description: 'Returns the executor access token once; only its hash is stored.' })
  @ApiCreatedResponse({ type: AppWithTokenView })
  @ApiConflictResponse({ description: 'APP_NAME_TAKEN' })
  create(@Body() body: CreateAppBody): Promise<AppWithTokenDto> {
    return this.apps.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List apps', description: 'Keyset-paginated in id order.' })
  list(@Query() query: ListAppsQuery, @CallerScope() scope: AppScope): Promise<Page<AppDto>> {
    return this.apps.list(query, scope);
  }

  @Get(':app')
  @ApiOperation({ summary: 'Get an app' })
  @ApiParam(APP_PARAM)
  @ApiOkResponse({ type: AppView })
  @ApiNotFoundResponse({ description: 'APP_NOT_FOUND' })
  get(@Param('app') ref: string): Promise<AppDto> {
    return this.apps.get(ref);
  }

  @Patch(':app')
  @ApiOperation({ summary: 'Update an app', description: 'With `version`, a stale update is refused with 409 VERSION_CONFLICT.' })
  @ApiParam(APP_PARAM)
  @ApiOkResponse({ type: AppView })
  update(@Param('app') ref: string, @Body() body: UpdateAppBody): Promise<AppDto> {
    return this.apps.update(ref, body);
  }

  @Delete(':app')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an app', description: 'Refused with 409 APP_HAS_JOBS while the app has jobs.' })
  @ApiParam(APP_PARAM)
  @ApiNoContentResponse()
  delete(@Param('app') ref: string): Promise<void> {
    return this.apps.delete(ref);
  }

  @Post(':app/rotate-token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the executor token', description: 'Returns the new token once. The old one stays valid for `graceMs` so executors can roll.' })
  @ApiParam(APP_PARAM)
  @ApiOkResponse({ type: AppWithTokenView })
  rotateToken(@Param('app') ref: string, @Body() body: RotateTokenBody): Promise<AppWithTokenDto> {
    return this.apps.rotateToken(ref, body);
  }
}
