import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, type EntityManager, type Repository } from 'typeorm';
import type { ChildTriggerCondition, ScheduleType } from '@baton/protocol';
import { whereAppIn } from '../../database/app-scope-sql.js';
import { inTransactionWithNamedLock } from '../../database/named-lock.js';
import { dialectOf } from '../../database/sql-dialect.js';
import { isDuplicateKey } from '../../database/sql-errors.js';
import { findCycle } from './dependency-graph.js';
import { JobDependencyEntity } from './job-dependency.entity.js';
import { JobEntity } from './job.entity.js';

export type NewJob = Omit<JobEntity, 'id' | 'version'>;
export type JobPatch = Partial<Omit<JobEntity, 'id' | 'appId' | 'version' | 'createdAt'>>;
export interface ChildEdge {
  childJobId: string;
  triggerOn: ChildTriggerCondition;
}
export interface JobFilter {
  appId?: string;
  /** The caller's apps (undefined = all). */
  appIds?: readonly string[];
  enabled?: boolean;
  scheduleType?: ScheduleType;
  text?: string;
}

export type InsertOutcome = { kind: 'inserted'; id: string } | { kind: 'app-missing' } | { kind: 'name-taken' };
export type UpdateOutcome = { kind: 'updated' } | { kind: 'stale' } | { kind: 'name-taken' } | { kind: 'cycle'; path: string[] };
export type DeleteOutcome = { kind: 'deleted' } | { kind: 'missing' } | { kind: 'has-parents'; parentIds: string[] };

/** `LIKE :like` with `!` escaping `%`, `_` and itself: the same on both engines, whatever the SQL mode. */
const LIKE = "LIKE :like ESCAPE '!'";

/** Job-graph changes serialize on this lock, so two concurrent edits cannot build a cycle together. */
const GRAPH_LOCK = 'baton_job_graph';

@Injectable()
export class JobsRepository {
  private readonly jobs: Repository<JobEntity>;
  private readonly deps: Repository<JobDependencyEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.jobs = dataSource.getRepository(JobEntity);
    this.deps = dataSource.getRepository(JobDependencyEntity);
  }

  findById(id: string): Promise<JobEntity | null> {
    return this.jobs.findOneBy({ id });
  }

  findByKey(appId: string, name: string): Promise<JobEntity | null> {
    return this.jobs.findOneBy({ appId, name });
  }

  findByIds(ids: string[]): Promise<JobEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.jobs.createQueryBuilder('j').where('j.id IN (:...ids)', { ids }).getMany();
  }

  /**
   * Keyset page in id order. Text search scans (LIKE '%…%'); the other filters use indexes. The
   * escape character is named, since SQLite has no default one; matching name and handler is
   * case-sensitive on MySQL (binary collation) and ASCII-case-insensitive on SQLite (its LIKE).
   */
  list(filter: JobFilter, afterId: string | undefined, limit: number): Promise<JobEntity[]> {
    const q = this.jobs.createQueryBuilder('j').orderBy('j.id', 'ASC').limit(limit);
    if (filter.appId) q.andWhere('j.app_id = :appId', { appId: filter.appId });
    whereAppIn(q, 'j.app_id', filter.appIds);
    if (filter.enabled !== undefined) q.andWhere('j.enabled = :enabled', { enabled: filter.enabled ? 1 : 0 });
    if (filter.scheduleType) q.andWhere('j.schedule_type = :scheduleType', { scheduleType: filter.scheduleType });
    if (filter.text) {
      const like = `%${filter.text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
      q.andWhere(
        new Brackets((w) => {
          w.where(`j.name ${LIKE}`, { like }).orWhere(`j.handler ${LIKE}`).orWhere(`j.description ${LIKE}`).orWhere(`j.owner ${LIKE}`);
        }),
      );
    }
    if (afterId) q.andWhere('j.id > :afterId', { afterId });
    return q.getMany();
  }

  /** Child edges of the given jobs, keyed by parent id. */
  async childrenOf(parentIds: string[]): Promise<Map<string, JobDependencyEntity[]>> {
    return groupByParent(await loadEdges(this.dataSource.manager, parentIds));
  }

  async parentIdsOf(jobId: string): Promise<string[]> {
    const rows = await this.deps.findBy({ childJobId: jobId });
    return rows.map((r) => r.parentJobId);
  }

  /**
   * Inserts a job and its child edges. The app row is read in share mode, so the app cannot be
   * deleted between this check and the insert (app deletion takes the row's exclusive lock; on
   * SQLite, write transactions simply run one at a time).
   */
  async insert(job: NewJob, children: ChildEdge[]): Promise<InsertOutcome> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const app = await m.query(`SELECT id FROM apps WHERE id = ?${dialectOf(m).forShare()}`, [job.appId]);
        if (app.length === 0) return { kind: 'app-missing' } as const;
        const result = await m.getRepository(JobEntity).insert({ ...job, version: 1 });
        const id = String(result.identifiers[0]!.id);
        await insertEdges(m, id, children, job.createdAt);
        return { kind: 'inserted', id } as const;
      });
    } catch (error) {
      if (isDuplicateKey(error, 'uq_jobs_app_name')) return { kind: 'name-taken' };
      throw error;
    }
  }

  /**
   * Applies `patch` only if the job is still at `expectedVersion` (one guarded UPDATE), and when
   * `children` is given replaces the child edges after checking for cycles under the graph lock.
   */
  async update(id: string, expectedVersion: number, patch: JobPatch, children: ChildEdge[] | undefined): Promise<UpdateOutcome> {
    const apply = async (m: EntityManager): Promise<UpdateOutcome> => {
      if (children) {
        const cycle = await findCycle(id, children.map((c) => c.childJobId), async (ids) => childIdsByParent(await loadEdges(m, ids), id));
        if (cycle) return { kind: 'cycle', path: cycle };
      }
      const result = await m
        .createQueryBuilder()
        .update(JobEntity)
        .set({ ...patch, version: () => 'version + 1' })
        .where('id = :id AND version = :expectedVersion', { id, expectedVersion })
        .execute();
      if (!result.affected) return { kind: 'stale' };
      if (patch.nextFireAt !== undefined) await cancelPlannedRuns(m, id, patch.updatedAt ?? new Date(), 'job schedule changed or job disabled');
      if (children) {
        await m.getRepository(JobDependencyEntity).delete({ parentJobId: id });
        await insertEdges(m, id, children, patch.updatedAt ?? new Date());
      }
      return { kind: 'updated' };
    };
    try {
      return children ? await inTransactionWithNamedLock(this.dataSource, GRAPH_LOCK, apply) : await this.dataSource.transaction(apply);
    } catch (error) {
      if (isDuplicateKey(error, 'uq_jobs_app_name')) return { kind: 'name-taken' };
      throw error;
    }
  }

  /** Flips `enabled` if it differs; returns whether it changed. Disabling cancels fires planned ahead. */
  setEnabled(id: string, enabled: boolean, nextFireAt: Date | null, now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(JobEntity)
        .set({ enabled, nextFireAt, updatedAt: now, version: () => 'version + 1' })
        .where('id = :id AND enabled = :was', { id, was: enabled ? 0 : 1 })
        .execute();
      const changed = (result.affected ?? 0) > 0;
      if (changed && !enabled) await cancelPlannedRuns(m, id, now, 'job disabled');
      return changed;
    });
  }

  /**
   * Deletes a job that no other job lists as a child, with its own child edges, and cancels its
   * runs that have not been dispatched yet (run history is kept until retention removes it).
   */
  delete(id: string, now: Date): Promise<DeleteOutcome> {
    return inTransactionWithNamedLock(this.dataSource, GRAPH_LOCK, async (m) => {
      const parents = await m.getRepository(JobDependencyEntity).findBy({ childJobId: id });
      if (parents.length > 0) return { kind: 'has-parents', parentIds: parents.map((p) => p.parentJobId) };
      const result = await m.getRepository(JobEntity).delete({ id });
      if (!result.affected) return { kind: 'missing' };
      await m.getRepository(JobDependencyEntity).delete({ parentJobId: id });
      await m.query("UPDATE runs SET status = 'CANCELLED', status_reason = 'job deleted', finished_at = ?, updated_at = ? WHERE job_id = ? AND status = 'SCHEDULED'", [now, now, id]);
      return { kind: 'deleted' };
    });
  }
}

/**
 * Cancels runs the trigger loop planned ahead (inside its look-ahead window) that are not yet
 * due. Runs already due, and runs someone asked for (API, manual, retry, child), stay.
 */
async function cancelPlannedRuns(m: EntityManager, jobId: string, now: Date, reason: string): Promise<void> {
  await m.query(
    "UPDATE runs SET status = 'CANCELLED', status_reason = ?, finished_at = ?, updated_at = ? WHERE job_id = ? AND status = 'SCHEDULED' AND planned_epoch IS NOT NULL AND scheduled_at > ?",
    [reason, now, now, jobId, now],
  );
}

async function loadEdges(m: EntityManager, parentIds: string[]): Promise<JobDependencyEntity[]> {
  if (parentIds.length === 0) return [];
  return m.getRepository(JobDependencyEntity).createQueryBuilder('d').where('d.parent_job_id IN (:...parentIds)', { parentIds }).orderBy('d.child_job_id').getMany();
}

function groupByParent(edges: JobDependencyEntity[]): Map<string, JobDependencyEntity[]> {
  const map = new Map<string, JobDependencyEntity[]>();
  for (const e of edges) map.set(e.parentJobId, [...(map.get(e.parentJobId) ?? []), e]);
  return map;
}

/** Child ids per parent; the job being edited contributes none, since its edges are being replaced. */
function childIdsByParent(edges: JobDependencyEntity[], editedJobId: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of edges) {
    if (e.parentJobId === editedJobId) continue;
    map.set(e.parentJobId, [...(map.get(e.parentJobId) ?? []), e.childJobId]);
  }
  return map;
}

async function insertEdges(m: EntityManager, parentJobId: string, children: ChildEdge[], now: Date): Promise<void> {
  if (children.length === 0) return;
  await m.getRepository(JobDependencyEntity).insert(children.map((c) => ({ parentJobId, childJobId: c.childJobId, triggerOn: c.triggerOn, createdAt: now })));
}
