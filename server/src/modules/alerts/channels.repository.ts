import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { isDuplicateKey } from '../../database/sql-errors.js';
import { AlertChannelEntity } from './alert-channel.entity.js';

export type NewChannel = Pick<AlertChannelEntity, 'name' | 'type' | 'config' | 'enabled' | 'createdAt' | 'updatedAt'>;
export type ChannelChanges = Pick<AlertChannelEntity, 'name' | 'config' | 'enabled'>;

/** Every SQL statement on alert_channels. */
@Injectable()
export class ChannelsRepository {
  private readonly channels: Repository<AlertChannelEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.channels = dataSource.getRepository(AlertChannelEntity);
  }

  /** Inserts the channel; null when the name is taken (uq_alert_channels_name). */
  async insert(channel: NewChannel): Promise<AlertChannelEntity | null> {
    try {
      const result = await this.channels.insert({ ...channel, version: 1 });
      return this.findById(String(result.identifiers[0]!.id));
    } catch (error) {
      if (isDuplicateKey(error, 'uq_alert_channels_name')) return null;
      throw error;
    }
  }

  findById(id: string): Promise<AlertChannelEntity | null> {
    return this.channels.findOneBy({ id });
  }

  findByName(name: string): Promise<AlertChannelEntity | null> {
    return this.channels.findOneBy({ name });
  }

  findByIds(ids: string[]): Promise<AlertChannelEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.channels.createQueryBuilder('c').where('c.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
  }

  /** Keyset page in id order. */
  list(afterId: string | undefined, limit: number): Promise<AlertChannelEntity[]> {
    const q = this.channels.createQueryBuilder('c').orderBy('c.id', 'ASC').limit(limit);
    if (afterId) q.where('c.id > :afterId', { afterId });
    return q.getMany();
  }

  /** Guarded by the version the caller read: false when someone else changed the channel first. */
  async update(id: string, changes: ChannelChanges, expectedVersion: number, now: Date): Promise<'updated' | 'conflict' | 'name-taken'> {
    try {
      const result = await this.dataSource.query(
        'UPDATE alert_channels SET name = ?, config = ?, enabled = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?',
        [changes.name, changes.config, changes.enabled ? 1 : 0, now, id, expectedVersion],
      );
      return result.affectedRows > 0 ? 'updated' : 'conflict';
    } catch (error) {
      if (isDuplicateKey(error, 'uq_alert_channels_name')) return 'name-taken';
      throw error;
    }
  }

  /**
   * Deletes the channel only while no (existing) job routes to it, in one statement: it locks the
   * channel row, and setting a job's routes reads that row in share mode, so no route can slip in
   * between the check and the delete. Routes left by deleted jobs are removed with it.
   */
  async deleteIfUnused(id: string): Promise<'deleted' | 'in-use' | 'missing'> {
    return this.dataSource.transaction(async (m) => {
      const result = await m.query(
        `DELETE FROM alert_channels WHERE id = ?
            AND NOT EXISTS (SELECT 1 FROM job_alert_channels r JOIN jobs j ON j.id = r.job_id WHERE r.channel_id = ?)`,
        [id, id],
      );
      if (result.affectedRows > 0) {
        await m.query('DELETE FROM job_alert_channels WHERE channel_id = ?', [id]);
        return 'deleted';
      }
      const still = await m.query('SELECT 1 FROM alert_channels WHERE id = ?', [id]);
      return still.length > 0 ? 'in-use' : 'missing';
    });
  }

  /** Keys (`app:name`) of up to `limit` jobs routed to the channel (idx_job_alert_channels_channel). */
  async jobsRoutedTo(channelId: string, limit: number): Promise<string[]> {
    const rows: Array<{ app: string; name: string }> = await this.dataSource.query(
      `SELECT a.name AS app, j.name FROM job_alert_channels r JOIN jobs j ON j.id = r.job_id JOIN apps a ON a.id = j.app_id
        WHERE r.channel_id = ? ORDER BY j.id LIMIT ?`,
      [channelId, limit],
    );
    return rows.map((r) => `${r.app}:${r.name}`);
  }
}
