import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Clock } from '../../common/clock.js';
import { BatonMetrics } from '../metrics/baton-metrics.js';
import { DispatchRepository } from './dispatch.repository.js';
import { Dispatcher } from './dispatcher.js';

/** Counting stops here: past it the number only says "a large backlog", and the scan stays bounded. */
export const WAITING_COUNT_CAP = 100_000;
/** Scrapes within this long of a count reuse it (several Prometheus servers may scrape each node). */
const CACHE_MS = 5_000;

/**
 * baton_runs_waiting: SCHEDULED runs already due, counted when /metrics is scraped, on the
 * leader only (every node would report the same cluster-wide number; summing them would
 * multiply it). A COUNT over the outbox index rather than the dispatcher's memory, which holds
 * only the next poll's batch: the database is the truth, and a backlog is exactly when the
 * memory is not. The count reads at most WAITING_COUNT_CAP index entries and is cached briefly.
 */
@Injectable()
export class WaitingRunsMetric {
  private cached: { at: number; count: Promise<number> } | null = null;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly repo: DispatchRepository,
    private readonly clock: Clock,
    metrics: BatonMetrics,
  ) {
    metrics.runsWaiting.readFrom(async () => (this.dispatcher.active ? [[{}, await this.count()]] : []));
  }

  private count(): Promise<number> {
    const at = performance.now();
    if (!this.cached || at - this.cached.at >= CACHE_MS) {
      const count = this.repo.countDue(this.clock.now(), WAITING_COUNT_CAP);
      this.cached = { at, count };
      count.catch(() => {
        if (this.cached?.count === count) this.cached = null; // a failed count is not reused
      });
    }
    return this.cached.count;
  }
}
