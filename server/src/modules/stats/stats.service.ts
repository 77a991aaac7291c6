import { Injectable } from '@nestjs/common';
import type { StatsResponse } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { invalidField, validationError } from '../../common/errors/domain-error.js';
import { AppsService } from '../apps/apps.service.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { StatsQueryDto } from './dto/stats.dto.js';
import { RunStatsRepository, type StatsFilter } from './run-stats.repository.js';
import { addSums, bucketStarts, EMPTY_DELTA, resolveStatsRange, toCounters, type RollupSums } from './stats-buckets.js';
import { assertInScope, visibleAppIds, type AppScope } from '../auth/principal.js';

/** Run statistics from the hourly rollups (one indexed range read per request, never the runs table). */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: RunStatsRepository,
    private readonly apps: AppsService,
    private readonly jobs: JobsService,
    private readonly clock: Clock,
  ) {}

  async get(query: StatsQueryDto, scope: AppScope): Promise<StatsResponse> {
    const range = resolveStatsRange(query, this.clock.now());
    if (Array.isArray(range)) throw validationError(range);
    const rows = await this.stats.series(await this.filterOf(query, scope), range);
    const byStart = new Map(rows.map((r) => [r.at.getTime(), r]));
    let totals: RollupSums = EMPTY_DELTA;
    // Every bucket of the range, empty ones as zeros, so a chart needs no gap handling.
    const series = bucketStarts(range.from, range.to, range.bucket).map((at) => {
      const sums = byStart.get(at.getTime()) ?? EMPTY_DELTA;
      totals = addSums(totals, sums);
      return { at: at.toISOString(), ...toCounters(sums) };
    });
    return { from: range.from.toISOString(), to: range.to.toISOString(), bucket: range.bucket, totals: toCounters(totals), series };
  }

  /** A job (id or app:name) wins over an app; both given must agree. Unknown ones are 404s. */
  private async filterOf(query: StatsQueryDto, scope: AppScope): Promise<StatsFilter> {
    const app = query.app ? await this.apps.resolve(query.app) : null;
    if (app) assertInScope(scope, app.id, `app ${app.name}`);
    if (!query.job) return app ? { appId: app.id } : { appIds: visibleAppIds(scope) };
    const job = await this.jobs.resolve(query.job);
    if (app && job.appId !== app.id) throw invalidField('job', `job ${query.job} does not belong to app ${app.name}`);
    assertInScope(scope, job.appId, `job ${query.job}`);
    return { jobId: job.id };
  }
}
