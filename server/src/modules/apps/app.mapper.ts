import type { AppDto } from '@baton/protocol';
import type { AppEntity } from './app.entity.js';

export function toAppDto(app: AppEntity): AppDto {
  return {
    id: app.id,
    name: app.name,
    description: app.description,
    tokenPrefix: app.tokenPrefix,
    tokenRotatedAt: app.tokenRotatedAt.toISOString(),
    version: app.version,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}
