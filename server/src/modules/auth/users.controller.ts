import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page, UserDto } from '@baton/protocol';
import { Caller, type CallerMeta } from './caller.decorators.js';
import { CreateUserBody, ListUsersQuery, ResetPasswordBody, UpdateUserBody } from './dto/auth.dto.js';
import { allow, RoutePolicies } from './route-policy.js';
import { UsersService } from './users.service.js';

const ADMIN = { allow: allow.admin() };
const USER_PARAM = { name: 'id', description: 'User id.' };

@ApiTags('users')
@Controller('users')
@RoutePolicies<UsersController>({ list: ADMIN, create: ADMIN, get: ADMIN, update: ADMIN, resetPassword: ADMIN, delete: ADMIN })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users (admin)', description: 'Keyset-paginated in id order.' })
  list(@Query() query: ListUsersQuery, @Caller() caller: CallerMeta): Promise<Page<UserDto>> {
    return this.users.list(query, caller);
  }

  @Post()
  @ApiOperation({ summary: 'Create a user (admin)', description: 'Apps are ids or names, granted to an operator or viewer.' })
  create(@Body() body: CreateUserBody, @Caller() caller: CallerMeta): Promise<UserDto> {
    return this.users.create(body, caller);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user (admin)' })
  @ApiParam(USER_PARAM)
  get(@Param('id') id: string, @Caller() caller: CallerMeta): Promise<UserDto> {
    return this.users.get(id, caller);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a user (admin)', description: 'Name, role, disabled, granted apps. Never demotes or disables the last enabled admin (409 LAST_ADMIN).' })
  @ApiParam(USER_PARAM)
  update(@Param('id') id: string, @Body() body: UpdateUserBody, @Caller() caller: CallerMeta): Promise<UserDto> {
    return this.users.update(id, body, caller);
  }

  @Post(':id/password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a user\'s password (admin)', description: 'Ends the user\'s sessions.' })
  @ApiParam(USER_PARAM)
  resetPassword(@Param('id') id: string, @Body() body: ResetPasswordBody, @Caller() caller: CallerMeta): Promise<void> {
    return this.users.resetPassword(id, body, caller);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user (admin)', description: 'Not yourself, never the last enabled admin. Their sessions end and their API keys are revoked.' })
  @ApiParam(USER_PARAM)
  delete(@Param('id') id: string, @Caller() caller: CallerMeta): Promise<void> {
    return this.users.delete(id, caller);
  }
}
