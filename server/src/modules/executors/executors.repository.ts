import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { whereAppIn } from '../../database/app-scope-sql.js';
import type { ServerNodeRef } from '@baton/protocol';
import { ExecutorInstanceEntity } from './executor-instance.entity.js';

@Injectable()
export class ExecutorsRepository {
  private readonly instances: Repository<ExecutorInstanceEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.instances = dataSource.getRepository(ExecutorInstanceEntity);
  }

  /** Records a (re)connected instance as ONLINE. */
  async upsertOnline(row: ExecutorInstanceEntity): Promise<void> {
    await this.instances.upsert(row, ['id']);
  }

  async heartbeat(instanceId: string, inFlight: number, now: Date): Promise<void> {
    await this.dataSource.query("UPDATE executor_instances SET last_heartbeat_at = ?, in_flight = ?, status = 'ONLINE', disconnected_at = NULL WHERE id = ?", [now, inFlight, instanceId]);
  }

  list(appId: string | undefined, appIds?: readonly string[]): Promise<ExecutorInstanceEntity[]> {
    const q = this.instances.createQueryBuilder('e').orderBy('e.app_id', 'ASC').addOrderBy('e.connected_at', 'ASC');
    if (appId) q.andWhere('e.app_id = :appId', { appId });
    whereAppIn(q, 'e.app_id', appIds);
    return q.getMany();
  }

  /** Instances silent since `cutoff` go OFFLINE; returns how many. */
  async markSilentOffline(cutoff: Date, now: Date): Promise<number> {
    const r = await this.dataSource.query("UPDATE executor_instances SET status = 'OFFLINE', disconnected_at = COALESCE(disconnected_at, ?) WHERE status = 'ONLINE' AND last_heartbeat_at < ?", [now, cutoff]);
    return r.affectedRows;
  }

  async deleteSilentSince(cutoff: Date): Promise<number> {
    const r = await this.dataSource.query('DELETE FROM executor_instances WHERE last_heartbeat_at < ?', [cutoff]);
    return r.affectedRows;
  }

  /** Server nodes heard from since `cutoff`: executors keep a socket to each. */
  async liveServerNodes(cutoff: Date): Promise<ServerNodeRef[]> {
    const rows: Array<{ id: string; advertise_url: string }> = await this.dataSource.query('SELECT id, advertise_url FROM scheduler_nodes WHERE last_heartbeat_at >= ? ORDER BY id', [cutoff]);
    return rows.map((r) => ({ id: r.id, url: r.advertise_url }));
  }
}
