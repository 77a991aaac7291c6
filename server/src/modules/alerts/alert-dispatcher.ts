import { Injectable, Logger } from '@nestjs/common';
import type { AlertChannelType } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { BatonMetrics } from '../metrics/baton-metrics.js';
import type { LeaderTerm } from '../scheduler/leader-duty.js';
import { PeriodicDuty } from '../scheduler/periodic-duty.js';
import type { AlertChannelEntity } from './alert-channel.entity.js';
import type { AlertEntity } from './alert.entity.js';
import type { AlertPayload } from './alert-message.js';
import { afterFailedDelivery } from './alert-policy.js';
import { AlertsRepository } from './alerts.repository.js';
import type { ChannelConfig } from './channel-config.js';
import { ChannelsRepository } from './channels.repository.js';
import { deliverAlert } from './senders/index.js';

const BATCH = 50;
const MAX_BATCHES_PER_PASS = 10;
/** Alerts sent at once; a slow receiver (up to the send timeout) does not hold up the rest. */
const CONCURRENCY = 8;
/** A claimed alert is not taken again until its send could have timed out, plus this. */
const CLAIM_MARGIN_MS = 5_000;

/**
 * Leader duty: sends the PENDING alerts that are due, in batches. Each batch is claimed in a
 * fenced transaction (so two leaders never both send it; one that crashed mid-send is sent
 * again after the claim lapses: at least once). A failed delivery is tried again after
 * ALERT_RETRY_DELAY_MS, doubling each time, until ALERT_MAX_ATTEMPTS; then it is FAILED.
 * Errors are stored and logged with the channel's secrets removed.
 */
@Injectable()
export class AlertDispatcher extends PeriodicDuty {
  readonly name = 'alert-dispatcher';
  protected readonly logger = new Logger('AlertDispatcher');

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly channels: ChannelsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: BatonMetrics,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.alertDispatchIntervalMs;
  }

  /** One pass; returns how many alerts it tried. Public so tests drive it. */
  async runOnce(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<number> {
    let tried = 0;
    for (let i = 0; i < MAX_BATCHES_PER_PASS; i++) {
      const now = this.clock.now();
      const claimUntil = new Date(now.getTime() + this.config.alertSendTimeoutMs + CLAIM_MARGIN_MS);
      const batch = await this.alerts.claimDue(now, BATCH, claimUntil, term);
      if (batch.length === 0) break;
      const channels = new Map((await this.channels.findByIds(batch.map((a) => a.channelId))).map((c) => [c.id, c]));
      await inParallel(batch, CONCURRENCY, (alert) =>
        this.deliver(alert, channels.get(alert.channelId)).catch((error: unknown) => {
          // Left claimed: it comes due again when the claim lapses.
          this.logger.error(`recording the outcome of alert ${alert.id} failed: ${(error as Error).message}`);
        }),
      );
      tried += batch.length;
      if (batch.length < BATCH) break;
    }
    return tried;
  }

  private async deliver(alert: AlertEntity, channel: AlertChannelEntity | undefined): Promise<void> {
    if (!channel?.enabled) this.metrics.alertsSent.inc({ channel_type: channel?.type ?? 'unknown', status: 'FAILED' });
    if (!channel) return this.alerts.markUndeliverable(alert.id, 'the channel was deleted before the alert was sent');
    if (!channel.enabled) return this.alerts.markUndeliverable(alert.id, 'the channel was disabled before the alert was sent');
    const result = await deliverAlert(channel.type as AlertChannelType, JSON.parse(channel.config) as ChannelConfig, JSON.parse(alert.payload) as AlertPayload, this.config.alertSendTimeoutMs);
    const now = this.clock.now();
    if (result.delivered) {
      this.metrics.alertsSent.inc({ channel_type: channel.type, status: 'SENT' });
      return this.alerts.markSent(alert.id, alert.attempts, now);
    }
    const attempt = alert.attempts + 1;
    const next = afterFailedDelivery(attempt, this.config.alertMaxAttempts, this.config.alertRetryDelayMs, now);
    this.metrics.alertsSent.inc({ channel_type: channel.type, status: next.status === 'FAILED' ? 'FAILED' : 'RETRY' });
    await this.alerts.markAttemptFailed(alert.id, alert.attempts, next, result.error);
    const then = next.status === 'FAILED' ? 'giving up' : `next try at ${next.nextAttemptAt.toISOString()}`;
    this.logger.warn(`alert ${alert.id} (${alert.kind}) to channel "${channel.name}" failed, attempt ${attempt} of ${this.config.alertMaxAttempts}, ${then}: ${result.error}`);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
