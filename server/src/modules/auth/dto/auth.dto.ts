import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsISO8601, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import {
  API_KEY_SCOPES,
  USER_ROLES,
  type ApiKeyScope,
  type ChangePasswordRequest,
  type CreateApiKeyRequest,
  type CreateUserRequest,
  type LoginRequest,
  type ResetPasswordRequest,
  type SetupRequest,
  type UpdateUserRequest,
  type UserRole,
} from '@baton/protocol';
import { PageQuery } from '../../../common/http/page.query.js';

/** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
const PASSWORD_MAX = 256;

export class LoginBody implements LoginRequest {
  @ApiProperty({ example: 'ops@example.com' })
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class SetupBody implements SetupRequest {
  @ApiProperty({ description: 'The token from the setup link the server logged at first start.' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  token: string;

  @ApiProperty({ example: 'admin@example.com' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'At least PASSWORD_MIN_LENGTH (12) characters, not the e-mail.' })
  @IsString()
  @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  displayName?: string;
}

export class ChangePasswordBody implements ChangePasswordRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(PASSWORD_MAX)
  currentPassword: string;

  @ApiProperty()
  @IsString()
  @MaxLength(PASSWORD_MAX)
  newPassword: string;
}

export class CreateUserBody implements CreateUserRequest {
  @ApiProperty({ example: 'dev@example.com' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiProperty({ enum: USER_ROLES })
  @IsIn(USER_ROLES)
  role: UserRole;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  displayName?: string;

  @ApiPropertyOptional({ description: 'App ids or names granted to an operator or viewer.', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  apps?: string[];
}

export class UpdateUserBody implements UpdateUserRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  displayName?: string;

  @ApiPropertyOptional({ enum: USER_ROLES })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;

  @ApiPropertyOptional({ description: 'A disabled user cannot sign in; their sessions and API keys end.' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ description: 'Replaces the granted apps (ids or names).', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  apps?: string[];

  @ApiPropertyOptional({ description: 'The version you last read; a stale one is refused with 409.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ResetPasswordBody implements ResetPasswordRequest {
  @ApiProperty()
  @IsString()
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class CreateApiKeyBody implements CreateApiKeyRequest {
  @ApiProperty({ example: 'billing-deployer' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  name: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, description: 'Independent of each other: trigger, read, manage.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes: ApiKeyScope[];

  @ApiProperty({ type: [String], description: 'App ids or names, or ["*"] for every app (admins only).' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  apps: string[];

  @ApiPropertyOptional({ description: 'ISO 8601 instant in the future; omitted = no expiry.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class ListUsersQuery extends PageQuery {}
export class ListApiKeysQuery extends PageQuery {}
