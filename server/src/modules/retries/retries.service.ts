import { Injectable } from '@nestjs/common';
import type { RunDto } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { isId, parseId } from '../../common/http/id-params.js';
import { retryTransient } from '../../database/transient-errors.js';
import { AppsService } from '../apps/apps.service.js';
import { JobsService } from '../jobs/jobs.service.js';
import { toRunDto } from '../runs/run.mapper.js';
import type { RunEntity } from '../runs/run.entity.js';
import { RunEvents } from '../runs/run-events.js';
import { MAX_BULK_RETRY, type BulkRetryBody, type BulkRetryResult, type SkippedRetry } from './dto/retries.dto.js';
import { RetriesRepository } from './retries.repository.js';
import { manualRetryRefusal } from './retry-policy.js';
import { inScope, visibleAppIds, type AppScope } from '../auth/principal.js';

export const runNotFound = (id: string) => new DomainError('RUN_NOT_FOUND', `No run ${id}.`);
export const runNotRetryable = (run: RunEntity, why: string) =>
  new DomainError('RUN_NOT_RETRYABLE', `Run ${run.id} cannot be retried: ${why}.`, { status: run.status, dead: run.dead });

/** A manual retry: the attempt it made or found, and whether this call made it. */
interface ManualRetry {
  run: RunEntity;
  created: boolean;
}

/**
 * Operator retries. A retry is the next attempt of the run's chain (highest attempt + 1, same
 * root, shard and params), due now; it takes the chain off the dead-letter list. It is one more
 * attempt, not a fresh budget: if it fails with the job's attempts used up, it is dead again.
 */
@Injectable()
export class RetriesService {
  constructor(
    private readonly retries: RetriesRepository,
    private readonly jobs: JobsService,
    private readonly apps: AppsService,
    private readonly events: RunEvents,
    private readonly clock: Clock,
  ) {}

  /**
   * Retries one run. Idempotent while the retry is under way: a second call (concurrent, or
   * before the new attempt ended) returns the same attempt with `created: false`.
   */
  async retry(id: string): Promise<{ run: RunDto; created: boolean }> {
    const run = await this.retries.findRun(parseId(id, 'run'));
    if (!run) throw runNotFound(id);
    const outcome = await this.retryRun(run);
    return { run: (await this.toDtos([outcome.run]))[0]!, created: outcome.created };
  }

  /** Retries dead runs, by id or matching a filter; each run that is not retried is listed with why. */
  async retryMany(body: BulkRetryBody, scope: AppScope): Promise<BulkRetryResult> {
    const { runs, skipped } = body.ids ? await this.byIds(body.ids, scope) : { runs: await this.byFilter(body, scope), skipped: [] };
    const retried: RunEntity[] = [];
    for (const run of runs) {
      const outcome = await this.retryDead(run);
      if ('reason' in outcome) skipped.push(outcome);
      else retried.push(outcome);
    }
    return { retried: await this.toDtos(retried), skipped };
  }

  /** A dead run is retried; any other outcome is a skip with its reason. */
  private async retryDead(run: RunEntity): Promise<RunEntity | SkippedRetry> {
    if (!run.dead) return { runId: run.id, reason: `not dead (it is ${run.status}); bulk retries take dead runs only` };
    try {
      const outcome = await this.retryRun(run);
      return outcome.created ? outcome.run : { runId: run.id, reason: `already being retried by run ${outcome.run.id} (attempt ${outcome.run.attempt})` };
    } catch (error) {
      if (error instanceof DomainError) return { runId: run.id, reason: error.message };
      throw error;
    }
  }

  /** Runs of apps outside the caller's scope are skipped as if unknown, so ids reveal nothing. */
  private async byIds(ids: string[], scope: AppScope): Promise<{ runs: RunEntity[]; skipped: SkippedRetry[] }> {
    const unique = [...new Set(ids)];
    const runs = await this.retries.findRuns(unique.filter(isId));
    const found = new Map(runs.filter((r) => inScope(scope, r.appId)).map((r) => [r.id, r]));
    const skipped = unique.filter((id) => !found.has(id)).map((id) => ({ runId: id, reason: isId(id) ? 'no such run' : 'not a run id' }));
    return { runs: unique.flatMap((id) => found.get(id) ?? []), skipped };
  }

  private async byFilter(body: BulkRetryBody, scope: AppScope): Promise<RunEntity[]> {
    const jobId = body.job ? (await this.jobs.resolve(body.job)).id : undefined;
    const appId = body.app ? (await this.apps.resolve(body.app)).id : undefined;
    return this.retries.deadRuns({ jobId, appId, appIds: visibleAppIds(scope) }, MAX_BULK_RETRY);
  }

  /** The rules, then the chain's next attempt (see RetriesRepository.retryChain for the concurrency). */
  private async retryRun(run: RunEntity): Promise<ManualRetry> {
    const refusal = manualRetryRefusal(run);
    if (refusal) throw runNotRetryable(run, refusal);
    if (!(await this.retries.findJob(run.jobId))) throw runNotRetryable(run, 'its job was deleted');
    const now = this.clock.now();
    const inserted = await retryTransient(() => this.retries.retryChain(run, now, (attempt) => `manual retry of run ${run.id} (attempt ${attempt})`, now));
    if (inserted.created) this.events.runsChanged([inserted.id]);
    const next = await this.retries.findRun(inserted.id);
    if (!next) throw runNotFound(inserted.id); // only if deleted in between (retention)
    return { run: next, created: inserted.created };
  }

  private async toDtos(runs: RunEntity[]): Promise<RunDto[]> {
    const keys = await this.retries.jobKeys(runs.map((r) => r.jobId));
    return runs.map((r) => toRunDto(r, keys.get(r.jobId) ?? null));
  }
}
