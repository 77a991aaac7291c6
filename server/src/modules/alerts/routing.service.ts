import { Injectable } from '@nestjs/common';
import { ALERT_KINDS, type AlertChannelType, type JobAlertRoutingDto } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { isId } from '../../common/http/id-params.js';
import { retryTransient } from '../../database/transient-errors.js';
import type { JobEntity } from '../jobs/job.entity.js';
import { JobsService } from '../jobs/jobs.service.js';
import { formatEvents, parseEvents } from './alert-policy.js';
import { routedChannelNotFound } from './alerts.errors.js';
import { ChannelsRepository } from './channels.repository.js';
import type { PutRoutingBody } from './dto/routing.dto.js';
import { RoutingRepository } from './routing.repository.js';

/** Which channels a job alerts to, about what, and how often. */
@Injectable()
export class RoutingService {
  constructor(
    private readonly routing: RoutingRepository,
    private readonly channels: ChannelsRepository,
    private readonly jobs: JobsService,
    private readonly clock: Clock,
  ) {}

  async get(jobRef: string): Promise<JobAlertRoutingDto> {
    return this.view(await this.jobs.resolve(jobRef));
  }

  /** Replaces the job's routing as a whole. */
  async put(jobRef: string, body: PutRoutingBody): Promise<JobAlertRoutingDto> {
    const job = await this.jobs.resolve(jobRef);
    const firstIndex = new Map<string, number>(); // channel id → where the body first names it
    for (const [index, ref] of body.channels.entries()) {
      const channel = isId(ref) ? await this.channels.findById(ref) : await this.channels.findByName(ref);
      if (!channel) throw routedChannelNotFound(index, ref);
      if (!firstIndex.has(channel.id)) firstIndex.set(channel.id, index);
    }
    const ids = [...firstIndex.keys()];
    const events = formatEvents(body.events ?? ALERT_KINDS);
    const result = await retryTransient(() => this.routing.replaceRoutes(job.id, ids, events, body.suppressWindowMs, this.clock.now()));
    if (result === null) return this.get(jobRef); // deleted meanwhile: resolve reports JOB_NOT_FOUND
    const gone = result.missingChannels[0];
    if (gone !== undefined) throw routedChannelNotFound(firstIndex.get(gone)!, body.channels[firstIndex.get(gone)!]!); // deleted meanwhile
    return this.view(job);
  }

  private async view(job: JobEntity): Promise<JobAlertRoutingDto> {
    const [routes, keys] = await Promise.all([this.routing.routesOfJob(job.id), this.jobs.keysByIds([job.id])]);
    const first = routes[0];
    return {
      jobId: job.id,
      jobKey: keys.get(job.id) ?? job.id,
      channels: routes.map((r) => ({ id: r.channelId, name: r.channelName, type: r.channelType as AlertChannelType, enabled: r.channelEnabled })),
      suppressWindowMs: first?.suppressWindowMs ?? 0,
      events: first ? parseEvents(first.events) : [...ALERT_KINDS],
    };
  }
}
