import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { retryTransient } from '../../database/transient-errors.js';
import type { LeaderTerm } from '../scheduler/leader-duty.js';
import { PeriodicDuty } from '../scheduler/periodic-duty.js';
import { AlertRecorder, type RecordedAlert } from './alert-recorder.js';
import { AlertSourcesRepository } from './alert-sources.repository.js';

/** How far back the first pass of a term looks for misfire skips. */
export const MISFIRE_LOOKBACK_MS = 5 * 60_000;
/** Later passes look back only this far (besides the high-water mark), which bounds each scan. */
const RESCAN_MS = 60_000;
const BATCH = 500;

/**
 * Leader duty, a safety net: the trigger loop writes the fires its misfire policy skips as
 * SKIPPED runs (trigger type MISFIRE) and announces their end after its commit; a crash between
 * the two would lose the alert. This watch reads such runs (by id, from a high-water mark;
 * idx_runs_status) and hands each to the recorder, which alerts once per run. Only the trigger loop
 * inserts such rows, on this leader, one transaction at a time, so their ids commit in order.
 * The first pass of a term looks back MISFIRE_LOOKBACK_MS, later ones at most RESCAN_MS (passes
 * are seconds apart). The recorder's dedupe key makes a run seen by both the announcement and
 * this watch alert once.
 */
@Injectable()
export class MisfireWatch extends PeriodicDuty {
  readonly name = 'alert-misfire-watch';
  protected readonly logger = new Logger('MisfireWatch');
  private highWater: string | null = null;
  private firstPass = true;

  constructor(
    private readonly sources: AlertSourcesRepository,
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
    this.highWater = null;
    this.firstPass = true;
    super.start(term);
  }

  /** One pass; public so tests drive it. */
  async runOnce(_term?: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<RecordedAlert[]> {
    const lookbackMs = this.firstPass ? MISFIRE_LOOKBACK_MS : RESCAN_MS;
    const floor = await retryTransient(() => this.sources.firstRunIdCreatedSince(new Date(this.clock.now().getTime() - lookbackMs)));
    const from = this.highWater === null || BigInt(floor) > BigInt(this.highWater) ? floor : (BigInt(this.highWater) + 1n).toString();
    const runs = await retryTransient(() => this.sources.misfireSkips(from, BATCH));
    const recorded: RecordedAlert[] = [];
    for (const run of runs) {
      recorded.push(...(await this.recorder.runEnded(run)));
      this.highWater = run.id;
    }
    this.firstPass = false;
    return recorded;
  }
}
