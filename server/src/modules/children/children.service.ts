import { Injectable } from '@nestjs/common';
import type { Page, RunDto } from '@baton/protocol';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseId } from '../../common/http/id-params.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/http/pagination.js';
import type { PageQuery } from '../../common/http/page.query.js';
import { toRunDto } from '../runs/run.mapper.js';
import { ChildrenRepository } from './children.repository.js';

@Injectable()
export class ChildrenService {
  constructor(private readonly children: ChildrenRepository) {}

  /** The child runs a run started (and their retries, which keep the parent), oldest first. */
  async childrenOf(id: string, query: PageQuery): Promise<Page<RunDto>> {
    const runId = parseId(id, 'run');
    if (!(await this.children.findRun(runId))) throw new DomainError('RUN_NOT_FOUND', `No run ${id}.`);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.children.childrenOf(runId, decodeCursor(query.cursor), limit + 1);
    const keys = await this.children.jobKeys(rows.map((r) => r.jobId));
    return toPage(rows, limit, (r) => toRunDto(r, keys.get(r.jobId) ?? null));
  }
}
