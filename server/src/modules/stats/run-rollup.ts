import { Injectable } from '@nestjs/common';
import { retryTransient } from '../../database/transient-errors.js';
import { RunEvents } from '../runs/run-events.js';
import type { RunEntity } from '../runs/run.entity.js';
import { RunStatsRepository } from './run-stats.repository.js';
import { runDelta } from './stats-buckets.js';

/**
 * Keeps `run_stats_hourly` up to date: every run end adds one to its status counter (and its
 * duration) in the row of its job and the UTC hour of its finished_at.
 *
 * How exact the counts are. RunEvents fires once per WON final transition — every end is one
 * guarded UPDATE, only its winner announces it, and a re-sent result is answered without a
 * second announcement — so a run is counted at most once. It is counted at least once unless
 * the node dies (or the database stays unreachable through retryTransient's attempts) between
 * the commit of the end and this one-statement increment: then that run is missing from the
 * counts. We accept that instead of writing the rollup inside every end transaction (the
 * report, recoverer, dispatcher and cancel paths in four modules) or adding a "counted" flag to
 * runs plus a sweeper: the rollups feed dashboards, where a run in a million going uncounted
 * after a crash changes nothing anyone acts on, while the runs table stays the truth (each
 * run's status is exact there, and GET /runs lists them). Misfire SKIPPED fires, which the
 * trigger loop records already ended, arrive here too: the loop announces them after its commit.
 *
 * Not counted at all: SCHEDULED runs the server cancels on its own when a job is edited,
 * disabled or deleted (fires planned ahead that never came due; they end without an event).
 */
@Injectable()
export class RunRollup {
  constructor(
    events: RunEvents,
    private readonly stats: RunStatsRepository,
  ) {
    events.onRunEnded(async (run) => {
      await this.runEnded(run);
    });
  }

  /** Counts one ended run; false when it has not ended. Public so tests call it directly. */
  async runEnded(run: Pick<RunEntity, 'jobId' | 'appId' | 'status' | 'startedAt' | 'finishedAt' | 'updatedAt'>): Promise<boolean> {
    const row = runDelta(run);
    if (!row) return false;
    await retryTransient(() => this.stats.increment(run.jobId, run.appId, row.bucketStart, row.delta));
    return true;
  }
}
