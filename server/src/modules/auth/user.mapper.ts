import type { AppRef, UserDto, UserRole } from '@baton/protocol';
import type { UserEntity } from './user.entity.js';

export function toUserDto(user: UserEntity, apps: AppRef[]): UserDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role as UserRole,
    disabled: user.disabled,
    apps: user.role === 'admin' ? [] : apps,
    lockedUntil: user.lockedUntil?.toISOString() ?? null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    passwordChangedAt: user.passwordChangedAt.toISOString(),
    version: user.version,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
