import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { ApiKeyDto, ApiKeyWithSecretDto, Page } from '@baton/protocol';
import { ApiKeysService } from './api-keys.service.js';
import { Caller, type CallerMeta } from './caller.decorators.js';
import { CreateApiKeyBody, ListApiKeysQuery } from './dto/auth.dto.js';
import { allow, RoutePolicies } from './route-policy.js';

/** Ownership (operators: their own keys, their granted apps) is checked by ApiKeysService. */
const KEY_MANAGERS = { allow: allow.roles('admin', 'operator') };

@ApiTags('api-keys')
@Controller('api-keys')
@RoutePolicies<ApiKeysController>({ create: KEY_MANAGERS, list: KEY_MANAGERS, revoke: KEY_MANAGERS })
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key', description: 'Returns the key once (`key`); only its hash is stored. Operators: only for apps granted to them, never "*".' })
  create(@Body() body: CreateApiKeyBody, @Caller() caller: CallerMeta): Promise<ApiKeyWithSecretDto> {
    return this.keys.create(body, caller);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys', description: 'Admins see every key, operators their own. Never includes the key itself.' })
  list(@Query() query: ListApiKeysQuery, @Caller() caller: CallerMeta): Promise<Page<ApiKeyDto>> {
    return this.keys.list(query, caller);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key', description: 'The key stops working at once; its record stays. Operators revoke only their own keys.' })
  @ApiParam({ name: 'id', description: 'API key id.' })
  revoke(@Param('id') id: string, @Caller() caller: CallerMeta): Promise<void> {
    return this.keys.revoke(id, caller);
  }
}
