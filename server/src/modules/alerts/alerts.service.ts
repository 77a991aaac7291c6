import { Injectable } from '@nestjs/common';
import type { AlertChannelType, AlertDto, AlertKind, AlertStatus, Page } from '@baton/protocol';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/http/pagination.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { AlertEntity } from './alert.entity.js';
import type { AlertPayload } from './alert-message.js';
import { AlertsRepository } from './alerts.repository.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import type { ListAlertsQuery } from './dto/alerts.dto.js';
import { visibleAppIds, type AppScope } from '../auth/principal.js';

/** The alert history. Rows hold no channel setting, and errors were redacted when stored. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly channelsRepo: ChannelsRepository,
    private readonly channels: ChannelsService,
    private readonly jobs: JobsService,
  ) {}

  async list(query: ListAlertsQuery, scope: AppScope): Promise<Page<AlertDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const jobId = query.job ? (await this.jobs.resolve(query.job)).id : undefined;
    const channelId = query.channel ? (await this.channels.resolve(query.channel)).id : undefined;
    const rows = await this.alerts.history({ jobId, channelId, status: query.status, kind: query.kind, appIds: visibleAppIds(scope) }, decodeCursor(query.cursor), limit + 1);
    const channels = new Map((await this.channelsRepo.findByIds(rows.map((r) => r.channelId))).map((c) => [c.id, c]));
    return toPage(rows, limit, (row) => {
      const channel = channels.get(row.channelId);
      return toAlertDto(row, { name: channel?.name ?? null, type: (channel?.type as AlertChannelType | undefined) ?? null });
    });
  }
}

function toAlertDto(row: AlertEntity, channel: { name: string | null; type: AlertChannelType | null }): AlertDto {
  const payload = JSON.parse(row.payload) as Partial<AlertPayload>;
  return {
    id: row.id,
    kind: row.kind as AlertKind,
    status: row.status as AlertStatus,
    channel: { id: row.channelId, ...channel },
    appId: row.appId,
    jobId: row.jobId,
    jobKey: payload.jobKey ?? null,
    runId: row.runId,
    title: payload.title ?? '',
    text: payload.text ?? '',
    link: payload.link ?? null,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}
