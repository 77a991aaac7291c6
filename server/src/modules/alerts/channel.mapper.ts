import type { AlertChannelDto, AlertChannelType } from '@baton/protocol';
import type { AlertChannelEntity } from './alert-channel.entity.js';
import { maskChannelConfig, type ChannelConfig } from './channel-config.js';

/** The API's view of a channel: every secret masked (the stored config never leaves the server). */
export function toChannelDto(channel: AlertChannelEntity): AlertChannelDto {
  const type = channel.type as AlertChannelType;
  const { config, secrets } = maskChannelConfig(type, storedConfig(channel));
  return {
    id: channel.id,
    name: channel.name,
    type,
    enabled: channel.enabled,
    config,
    secrets,
    version: channel.version,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}

export function storedConfig(channel: AlertChannelEntity): ChannelConfig {
  return JSON.parse(channel.config) as ChannelConfig;
}
