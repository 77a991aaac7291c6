import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { AuditLogEntity } from './audit-log.entity.js';

export type NewAuditEntry = Omit<AuditLogEntity, 'id'>;

export interface AuditFilter {
  actorType?: string;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

@Injectable()
export class AuditLogRepository {
  private readonly entries: Repository<AuditLogEntity>;

  constructor(dataSource: DataSource) {
    this.entries = dataSource.getRepository(AuditLogEntity);
  }

  async insert(entry: NewAuditEntry): Promise<void> {
    await this.entries.insert(entry);
  }

  /** Newest first; `beforeId` is the last id of the previous page. */
  list(filter: AuditFilter, beforeId: string | undefined, limit: number): Promise<AuditLogEntity[]> {
    const q = this.entries.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(limit);
    if (beforeId) q.andWhere('a.id < :beforeId', { beforeId });
    if (filter.actorType) q.andWhere('a.actor_type = :actorType', { actorType: filter.actorType });
    if (filter.actorId) q.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) q.andWhere('a.action = :action', { action: filter.action });
    if (filter.targetType) q.andWhere('a.target_type = :targetType', { targetType: filter.targetType });
    if (filter.targetId) q.andWhere('a.target_id = :targetId', { targetId: filter.targetId });
    if (filter.from) q.andWhere('a.at >= :from', { from: filter.from });
    if (filter.to) q.andWhere('a.at < :to', { to: filter.to });
    return q.getMany();
  }
}
