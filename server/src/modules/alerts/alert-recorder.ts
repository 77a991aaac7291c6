import { Injectable, Logger } from '@nestjs/common';
import type { AlertKind } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { retryTransient } from '../../database/transient-errors.js';
import { retryOf } from '../jobs/job-settings.js';
import { jobKey } from '../jobs/job-ref.js';
import type { RunEntity } from '../runs/run.entity.js';
import { RunEvents } from '../runs/run-events.js';
import type { AlertPayload } from './alert-message.js';
import { runAlertPayload } from './alert-message.js';
import { alertKindsForRun, mayAlert, parseEvents } from './alert-policy.js';
import { AlertSourcesRepository } from './alert-sources.repository.js';
import { AlertsRepository, type RecordOutcome } from './alerts.repository.js';
import { RoutingRepository } from './routing.repository.js';

export interface RecordedAlert {
  kind: AlertKind;
  channelId: string;
  outcome: RecordOutcome;
}

/**
 * Turns events into alert rows, one per routed channel (delivery is AlertDispatcher's job).
 * Run events arrive through RunEvents on whichever node recorded the end, right after it
 * committed; the same end seen twice (a re-sent result, the misfire watch and the listener)
 * records once, by the dedupe key. Runs that cannot alert (successes, cancels) cost no query.
 */
@Injectable()
export class AlertRecorder {
  private readonly logger = new Logger('AlertRecorder');

  constructor(
    events: RunEvents,
    private readonly sources: AlertSourcesRepository,
    private readonly routing: RoutingRepository,
    private readonly alerts: AlertsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    events.onRunEnded(async (run) => {
      await this.runEnded(run);
    });
  }

  /** Records the alerts a run's end calls for; public so tests and the misfire watch call it. */
  async runEnded(run: RunEntity): Promise<RecordedAlert[]> {
    if (!mayAlert(run.status)) return [];
    const found = await retryTransient(() => this.sources.jobWithApp(run.jobId));
    if (!found) return []; // the job is gone, and its routing with it
    const kinds = alertKindsForRun(run, retryOf(found.job));
    if (kinds.length === 0) return [];
    const routes = (await retryTransient(() => this.routing.routesOfJob(run.jobId))).filter((r) => r.channelEnabled);
    if (routes.length === 0) return [];
    const job = { id: found.job.id, key: jobKey(found.app, found.job.name), app: found.app };
    const recorded: RecordedAlert[] = [];
    for (const kind of kinds) {
      if (kind === 'NO_EXECUTOR') continue;
      const payload = runAlertPayload(kind, run, job, this.config.alertLinkBaseUrl, this.clock.now());
      for (const route of routes) {
        if (!parseEvents(route.events).includes(kind)) continue;
        const alert = { channelId: route.channelId, kind, appId: run.appId, jobId: run.jobId, runId: run.id, dedupeKey: `${kind}:run:${run.id}` };
        const outcome = await this.record(alert, payload, route.suppressWindowMs);
        if (outcome) recorded.push({ kind, channelId: route.channelId, outcome });
      }
    }
    return recorded;
  }

  /** Records one alert; a failure is logged and reported as null, so one channel's trouble does not cost the others their alert. */
  async record(
    alert: { channelId: string; kind: AlertKind; appId: string | null; jobId: string | null; runId: string | null; dedupeKey: string },
    payload: AlertPayload,
    suppressWindowMs: number,
  ): Promise<RecordOutcome | null> {
    try {
      return await retryTransient(() => this.alerts.record({ ...alert, payload: JSON.stringify(payload) }, suppressWindowMs, this.clock.now()));
    } catch (error) {
      this.logger.error(`recording ${alert.kind} alert ${alert.dedupeKey} for channel ${alert.channelId} failed: ${(error as Error).message}`);
      return null;
    }
  }
}
