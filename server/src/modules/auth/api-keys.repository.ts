import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ApiKeyAppEntity } from './api-key-app.entity.js';
import { ApiKeyEntity } from './api-key.entity.js';

export type NewApiKey = Omit<ApiKeyEntity, 'id' | 'lastUsedAt' | 'revokedAt'>;

@Injectable()
export class ApiKeysRepository {
  private readonly keys: Repository<ApiKeyEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.keys = dataSource.getRepository(ApiKeyEntity);
  }

  async insert(key: NewApiKey, appIds: string[]): Promise<ApiKeyEntity> {
    const id = await this.dataSource.transaction(async (m) => {
      const result = await m.getRepository(ApiKeyEntity).insert({ ...key, lastUsedAt: null, revokedAt: null });
      const keyId = String(result.identifiers[0]!.id);
      if (appIds.length > 0) await m.getRepository(ApiKeyAppEntity).insert(appIds.map((appId) => ({ apiKeyId: keyId, appId })));
      return keyId;
    });
    return (await this.findById(id))!;
  }

  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ id });
  }

  findByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ keyHash });
  }

  async appIdsOf(keyIds: string[]): Promise<Map<string, string[]>> {
    const apps = new Map<string, string[]>(keyIds.map((id) => [id, []]));
    if (keyIds.length === 0) return apps;
    const rows: Array<{ api_key_id: string; app_id: string }> = await this.dataSource.query(
      `SELECT api_key_id, app_id FROM api_key_apps WHERE api_key_id IN (${keyIds.map(() => '?').join(',')}) ORDER BY app_id`,
      keyIds,
    );
    for (const r of rows) apps.get(String(r.api_key_id))?.push(String(r.app_id));
    return apps;
  }

  /** Keyset page in id order; only keys created by `createdBy` when given. */
  list(createdBy: string | undefined, afterId: string | undefined, limit: number): Promise<ApiKeyEntity[]> {
    const q = this.keys.createQueryBuilder('k').orderBy('k.id', 'ASC').limit(limit);
    if (afterId) q.andWhere('k.id > :afterId', { afterId });
    if (createdBy) q.andWhere('k.created_by_user_id = :createdBy', { createdBy });
    return q.getMany();
  }

  /** Records use at most once per window (a no-op write when another request just did). */
  async touch(id: string, now: Date, staleBefore: Date): Promise<void> {
    await this.dataSource.query('UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)', [now, id, staleBefore]);
  }

  async revoke(id: string, now: Date): Promise<boolean> {
    const result = await this.dataSource.query('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id]);
    return result.affectedRows > 0;
  }

  async revokeAllCreatedBy(userId: string, now: Date): Promise<number> {
    const result = await this.dataSource.query('UPDATE api_keys SET revoked_at = ? WHERE created_by_user_id = ? AND revoked_at IS NULL', [now, userId]);
    return result.affectedRows;
  }
}
