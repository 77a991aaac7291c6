import { Injectable, Logger } from '@nestjs/common';
import { BatonMetrics } from '../metrics/baton-metrics.js';
import type { RunEntity } from './run.entity.js';

/**
 * What the run-end listeners would otherwise each read about the run's job, read with the ended
 * run in one statement by whoever has it at hand (RunsRepository.findEnded). Absent: listeners
 * read what they need themselves.
 */
export interface RunEndFacts {
  /** The job's schedule type; null when the job was deleted. */
  scheduleType: string | null;
  /** Whether the job has child jobs. */
  hasChildren: boolean;
}

export type RunEndedListener = (run: RunEntity, facts?: RunEndFacts) => Promise<void> | void;

/**
 * In-process notifications about runs, so modules that react to a run's end (FIXED_DELAY
 * planning, retries, child jobs, alerts, rollups) need not be imported by the code that ends it.
 * Listeners run after the status change committed; a failing listener is logged, not fatal.
 */
@Injectable()
export class RunEvents {
  private readonly logger = new Logger('RunEvents');
  private readonly endedListeners: RunEndedListener[] = [];
  private readonly changedListeners: Array<(runIds: string[]) => void> = [];

  constructor(private readonly metrics: BatonMetrics) {}

  onRunEnded(listener: RunEndedListener): void {
    this.endedListeners.push(listener);
  }

  /** Any status change (used to wake the dispatcher, e.g. when a SERIAL job's run ends). */
  onRunsChanged(listener: (runIds: string[]) => void): void {
    this.changedListeners.push(listener);
  }

  async runEnded(run: RunEntity, facts?: RunEndFacts): Promise<void> {
    this.metrics.runsFinished.inc({ status: run.status });
    for (const listener of this.endedListeners) {
      try {
        await listener(run, facts);
      } catch (error) {
        this.logger.error({ msg: `run ${run.id} end listener failed: ${(error as Error).message}`, runId: run.id }, (error as Error).stack);
      }
    }
    this.runsChanged([run.id]);
  }

  runsChanged(runIds: string[]): void {
    for (const listener of this.changedListeners) listener(runIds);
  }
}
