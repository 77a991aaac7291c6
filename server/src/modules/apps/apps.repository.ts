import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { whereAppIn } from '../../database/app-scope-sql.js';
import { isDuplicateKey } from '../../database/sql-errors.js';
import { AppEntity } from './app.entity.js';

export type NewApp = Omit<AppEntity, 'id' | 'version'>;

@Injectable()
export class AppsRepository {
  private readonly apps: Repository<AppEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.apps = dataSource.getRepository(AppEntity);
  }

  /** Inserts the app; returns null when the name is taken. */
  async insert(app: NewApp): Promise<AppEntity | null> {
    try {
      const result = await this.apps.insert({ ...app, version: 1 });
      return this.findById(String(result.identifiers[0]!.id));
    } catch (error) {
      if (isDuplicateKey(error, 'uq_apps_name')) return null;
      throw error;
    }
  }

  findById(id: string): Promise<AppEntity | null> {
    return this.apps.findOneBy({ id });
  }

  findByName(name: string): Promise<AppEntity | null> {
    return this.apps.findOneBy({ name });
  }

  findByIds(ids: string[]): Promise<AppEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.apps.createQueryBuilder('a').where('a.id IN (:...ids)', { ids }).getMany();
  }

  /** Keyset page in id order: `afterId` is the last id of the previous page. */
  list(afterId: string | undefined, limit: number, appIds?: readonly string[]): Promise<AppEntity[]> {
    const q = this.apps.createQueryBuilder('a').orderBy('a.id', 'ASC').limit(limit);
    if (afterId) q.andWhere('a.id > :afterId', { afterId });
    whereAppIn(q, 'a.id', appIds);
    return q.getMany();
  }

  /** Guarded update: applies only when `expectedVersion` (if given) is current. Returns affected rows. */
  async updateDescription(id: string, description: string, expectedVersion: number | undefined, now: Date): Promise<boolean> {
    const q = this.apps
      .createQueryBuilder()
      .update()
      .set({ description, updatedAt: now, version: () => 'version + 1' })
      .where('id = :id', { id });
    if (expectedVersion !== undefined) q.andWhere('version = :expectedVersion', { expectedVersion });
    return ((await q.execute()).affected ?? 0) > 0;
  }

  /** The new token replaces the current one, which stays valid until `previousExpiresAt`. */
  async rotateToken(id: string, token: { hash: string; prefix: string }, previousExpiresAt: Date | null, now: Date): Promise<boolean> {
    const result = await this.dataSource.query(
      `UPDATE apps
          SET previous_token_hash = CASE WHEN ? IS NULL THEN NULL ELSE token_hash END,
              previous_token_expires_at = ?,
              token_hash = ?, token_prefix = ?, token_rotated_at = ?,
              updated_at = ?, version = version + 1
        WHERE id = ?`,
      [previousExpiresAt, previousExpiresAt, token.hash, token.prefix, now, now, id],
    );
    return result.affectedRows > 0;
  }

  /**
   * Deletes the app only while it has no jobs, in one statement: it locks the app row, and job
   * creation reads that row in share mode, so a job cannot slip in between check and delete (on
   * SQLite, statements and transactions run one at a time).
   */
  async deleteIfNoJobs(id: string): Promise<'deleted' | 'has-jobs' | 'missing'> {
    const result = await this.dataSource.query(
      'DELETE FROM apps WHERE id = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.app_id = ?)',
      [id, id],
    );
    if (result.affectedRows > 0) return 'deleted';
    return (await this.findById(id)) ? 'has-jobs' : 'missing';
  }
}
