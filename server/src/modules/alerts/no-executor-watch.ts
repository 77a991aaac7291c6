import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { retryTransient } from '../../database/transient-errors.js';
import type { LeaderTerm } from '../scheduler/leader-duty.js';
import { PeriodicDuty } from '../scheduler/periodic-duty.js';
import { noExecutorPayload } from './alert-message.js';
import { AlertRecorder, type RecordedAlert } from './alert-recorder.js';
import { AlertSourcesRepository } from './alert-sources.repository.js';
import { RoutingRepository } from './routing.repository.js';

/**
 * Leader duty: raises NO_EXECUTOR for each app whose due runs have waited longer than
 * ALERT_NO_EXECUTOR_AFTER_MS because no executor (with the handler) is online. It goes to every
 * channel that any job of the app routes NO_EXECUTOR to, with the widest window among them.
 *
 * One alert per outage ("episode"): from the pass that first sees the app waiting until a pass
 * that no longer does. The dedupe key names the episode, so later passes of the same outage add
 * nothing; a new outage within the suppression window is recorded SUPPRESSED. Episodes live in
 * the leader's memory: a new leader starts new ones (at most one more alert per outage per
 * takeover, which the window also suppresses).
 */
@Injectable()
export class NoExecutorWatch extends PeriodicDuty {
  readonly name = 'alert-no-executor-watch';
  protected readonly logger = new Logger('NoExecutorWatch');
  private readonly episodes = new Map<string, Date>();

  constructor(
    private readonly sources: AlertSourcesRepository,
    private readonly routing: RoutingRepository,
    private readonly recorder: AlertRecorder,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.alertWatchIntervalMs;
  }

  override start(term: LeaderTerm): void {
    this.episodes.clear();
    super.start(term);
  }

  /** One pass; public so tests drive it. */
  async runOnce(_term?: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<RecordedAlert[]> {
    const now = this.clock.now();
    const waits = await retryTransient(() => this.sources.waitingForExecutor(new Date(now.getTime() - this.config.alertNoExecutorAfterMs)));
    const waiting = new Set(waits.map((w) => w.appId));
    for (const appId of [...this.episodes.keys()]) if (!waiting.has(appId)) this.episodes.delete(appId);
    const recorded: RecordedAlert[] = [];
    for (const wait of waits) {
      const episode = this.episodes.get(wait.appId) ?? now;
      this.episodes.set(wait.appId, episode);
      const routes = await retryTransient(() => this.routing.routesOfApp(wait.appId, 'NO_EXECUTOR'));
      if (routes.length === 0) continue;
      const payload = noExecutorPayload(wait, this.config.alertLinkBaseUrl, now);
      for (const route of routes) {
        const alert = { channelId: route.channelId, kind: 'NO_EXECUTOR' as const, appId: wait.appId, jobId: null, runId: wait.oldestRunId, dedupeKey: `NO_EXECUTOR:app:${wait.appId}:${episode.getTime()}` };
        const outcome = await this.recorder.record(alert, payload, route.suppressWindowMs);
        if (outcome) recorded.push({ kind: 'NO_EXECUTOR', channelId: route.channelId, outcome });
      }
    }
    return recorded;
  }
}
