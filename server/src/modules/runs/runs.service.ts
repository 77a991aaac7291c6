import { Injectable } from '@nestjs/common';
import type { Page, RunDto, RunLogPage } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseId } from '../../common/http/id-params.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/http/pagination.js';
import { AppConfig } from '../../config/app-config.js';
import { AppsService } from '../apps/apps.service.js';
import { RunKiller } from '../executors/run-killer.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { ListRunsQuery, RunLogsQuery } from './dto/runs.dto.js';
import { toRunDto } from './run.mapper.js';
import type { RunEntity } from './run.entity.js';
import { RunEvents } from './run-events.js';
import { RunLogsRepository } from './run-logs.repository.js';
import { isFinal } from './run-status.js';
import { RunsRepository } from './runs.repository.js';
import { visibleAppIds, type AppScope } from '../auth/principal.js';

/** How often a waiting GET re-reads the run. */
const WAIT_POLL_MS = 100;

export const runNotFound = (id: string) => new DomainError('RUN_NOT_FOUND', `No run ${id}.`);

@Injectable()
export class RunsService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly runLogs: RunLogsRepository,
    private readonly jobs: JobsService,
    private readonly apps: AppsService,
    private readonly killer: RunKiller,
    private readonly events: RunEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async list(query: ListRunsQuery, scope: AppScope): Promise<Page<RunDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const jobId = query.job ? (await this.jobs.resolve(query.job)).id : undefined;
    const appId = query.app ? (await this.apps.resolve(query.app)).id : undefined;
    const dead = query.dead === undefined ? undefined : query.dead === 'true';
    const rows = await this.runs.list({ jobId, appId, appIds: visibleAppIds(scope), status: query.status, triggerType: query.triggerType, dead }, decodeCursor(query.cursor), limit + 1);
    const page = toPage(rows, limit, (r) => r);
    return { items: await this.toDtos(page.items), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<RunDto> {
    return (await this.toDtos([await this.load(id)]))[0]!;
  }

  /**
   * The run once it has ended, or as it is when `waitMs` runs out, so callers need not poll.
   * It re-reads the row (any node may record the end); `gone` stops early when the client leaves.
   */
  async getWhenFinal(id: string, waitMs: number, gone: () => boolean): Promise<RunDto> {
    const deadline = Date.now() + waitMs;
    let run = await this.load(id);
    while (!isFinal(run.status) && Date.now() < deadline && !gone()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(WAIT_POLL_MS, Math.max(1, deadline - Date.now()))));
      run = await this.load(id);
    }
    return (await this.toDtos([run]))[0]!;
  }

  /** Cancels a run that has not been sent to an executor yet; a started one must be killed. */
  async cancel(id: string): Promise<RunDto> {
    const run = await this.load(id);
    if (run.status === 'SCHEDULED' && (await this.runs.cancelScheduled(id, 'cancelled before it started', this.clock.now()))) {
      await this.events.runEnded(await this.load(id));
      return this.get(id);
    }
    const current = await this.load(id);
    if (isFinal(current.status)) throw new DomainError('RUN_ALREADY_FINISHED', `Run ${id} already ended as ${current.status}.`, { status: current.status });
    throw new DomainError('RUN_ALREADY_STARTED', `Run ${id} is ${current.status}: it was sent to an executor, so it can no longer be cancelled; kill it with POST /runs/${id}/kill.`, {
      status: current.status,
    });
  }

  async logs(id: string, query: RunLogsQuery): Promise<RunLogPage> {
    await this.load(id);
    const after = query.after ?? 0;
    const chunks = await this.runLogs.page(id, after, query.limit ?? 100);
    return { runId: id, chunks, lastSeq: chunks.at(-1)?.seq ?? after, truncated: await this.runLogs.isTruncated(id, this.config.runLogMaxBytes) };
  }

  /**
   * Kills a run: one not yet sent is cancelled at once; a running one gets its signal aborted
   * and ends CANCELLED when the executor reports, or after KILL_GRACE_MS regardless.
   */
  async kill(id: string): Promise<RunDto> {
    const run = await this.load(id);
    if (isFinal(run.status)) throw new DomainError('RUN_ALREADY_FINISHED', `Run ${id} already ended as ${run.status}.`, { status: run.status });
    if (run.status === 'SCHEDULED' && (await this.runs.cancelScheduled(id, 'killed before it started', this.clock.now()))) {
      const ended = await this.load(id);
      await this.events.runEnded(ended);
      return this.get(id);
    }
    const current = await this.load(id);
    if (isFinal(current.status)) throw new DomainError('RUN_ALREADY_FINISHED', `Run ${id} already ended as ${current.status}.`, { status: current.status });
    await this.killer.kill(current, 'KILLED');
    return this.get(id);
  }

  private async load(id: string): Promise<RunEntity> {
    const run = await this.runs.findById(parseId(id, 'run'));
    if (!run) throw runNotFound(id);
    return run;
  }

  private async toDtos(runs: RunEntity[]): Promise<RunDto[]> {
    const keys = await this.jobs.keysByIds([...new Set(runs.map((r) => r.jobId))]);
    return runs.map((r) => toRunDto(r, keys.get(r.jobId) ?? null));
  }
}
