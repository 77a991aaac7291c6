import { Injectable } from '@nestjs/common';
import type { AlertChannelDto, AlertChannelTestResult, AlertChannelType, Page } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { isId } from '../../common/http/id-params.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/http/pagination.js';
import { AppConfig } from '../../config/app-config.js';
import { retryTransient } from '../../database/transient-errors.js';
import type { AlertChannelEntity } from './alert-channel.entity.js';
import { testPayload } from './alert-message.js';
import { channelInUse, channelNameTaken, channelNotFound, channelVersionConflict } from './alerts.errors.js';
import { mergeChannelConfig, parseChannelConfig } from './channel-config.js';
import { storedConfig, toChannelDto } from './channel.mapper.js';
import { ChannelsRepository } from './channels.repository.js';
import type { CreateChannelBody, ListChannelsQuery, UpdateChannelBody } from './dto/channel.dto.js';
import { deliverAlert } from './senders/index.js';

/** Alert channels: validated configs in, masked configs out. */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly channels: ChannelsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async create(body: CreateChannelBody): Promise<AlertChannelDto> {
    const config = parseChannelConfig(body.type, body.config);
    const now = this.clock.now();
    const channel = await this.channels.insert({ name: body.name, type: body.type, config: JSON.stringify(config), enabled: body.enabled ?? true, createdAt: now, updatedAt: now });
    if (!channel) throw channelNameTaken(body.name);
    return toChannelDto(channel);
  }

  async list(query: ListChannelsQuery): Promise<Page<AlertChannelDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return toPage(await this.channels.list(decodeCursor(query.cursor), limit + 1), limit, toChannelDto);
  }

  async get(ref: string): Promise<AlertChannelDto> {
    return toChannelDto(await this.resolve(ref));
  }

  /** A channel by id (digits) or name. */
  async resolve(ref: string): Promise<AlertChannelEntity> {
    const channel = isId(ref) ? await this.channels.findById(ref) : await this.channels.findByName(ref);
    if (!channel) throw channelNotFound(ref);
    return channel;
  }

  async update(ref: string, body: UpdateChannelBody): Promise<AlertChannelDto> {
    const channel = await this.resolve(ref);
    if (body.version !== channel.version) throw channelVersionConflict(channel.name, body.version, channel.version);
    const type = channel.type as AlertChannelType;
    const config = body.config === undefined ? storedConfig(channel) : mergeChannelConfig(type, storedConfig(channel), body.config);
    const changes = { name: body.name ?? channel.name, enabled: body.enabled ?? channel.enabled, config: JSON.stringify(config) };
    const outcome = await this.channels.update(channel.id, changes, body.version, this.clock.now());
    if (outcome === 'name-taken') throw channelNameTaken(changes.name);
    const current = await this.channels.findById(channel.id);
    if (!current) throw channelNotFound(ref);
    if (outcome === 'conflict') throw channelVersionConflict(channel.name, body.version, current.version);
    return toChannelDto(current);
  }

  /** Refused while a job routes to the channel: silently dropping a job's alerts is worse than a 409. */
  async delete(ref: string): Promise<void> {
    const channel = await this.resolve(ref);
    const outcome = await retryTransient(() => this.channels.deleteIfUnused(channel.id));
    if (outcome === 'missing') throw channelNotFound(ref);
    if (outcome === 'in-use') throw channelInUse(channel.name, await this.channels.jobsRoutedTo(channel.id, 20));
  }

  /** Sends a test alert now (not recorded in the history) and reports what happened, with secrets removed. */
  async test(ref: string): Promise<AlertChannelTestResult> {
    const channel = await this.resolve(ref);
    const started = Date.now();
    const result = await deliverAlert(channel.type as AlertChannelType, storedConfig(channel), testPayload(channel.name, this.clock.now()), this.config.alertSendTimeoutMs);
    return { delivered: result.delivered, error: result.delivered ? null : result.error, durationMs: Date.now() - started };
  }
}
