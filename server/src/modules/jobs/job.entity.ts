import { Column, Entity, Index, VersionColumn } from 'typeorm';
import type { BlockStrategy, MisfirePolicy, RetryBackoff, RouteStrategy, ScheduleType } from '@baton/protocol';
import { FlagColumn, IdColumn, RefColumn, TimeColumn, UIntColumn, VarcharColumn } from '../../database/columns.js';

@Entity('jobs')
@Index('uq_jobs_app_name', ['appId', 'name'], { unique: true })
@Index('idx_jobs_due', ['nextFireAt'])
@Index('idx_jobs_app', ['appId', 'id'])
export class JobEntity {
  @IdColumn() id: string;
  @RefColumn() appId: string;
  @VarcharColumn(128, { binary: true }) name: string;
  @VarcharColumn(128, { binary: true }) handler: string;
  @VarcharColumn(512, { default: '' }) description: string;
  @VarcharColumn(128, { default: '' }) owner: string;
  @VarcharColumn(16) scheduleType: ScheduleType;
  @VarcharColumn(255, { nullable: true }) scheduleExpr: string | null;
  @VarcharColumn(64) timezone: string;
  @VarcharColumn(16) misfirePolicy: MisfirePolicy;
  @UIntColumn() misfireThresholdMs: number;
  @UIntColumn() catchUpLimit: number;
  @VarcharColumn(32) routeStrategy: RouteStrategy;
  @VarcharColumn(16) blockStrategy: BlockStrategy;
  @UIntColumn({ default: 0 }) timeoutMs: number;
  @UIntColumn({ default: 1 }) retryMaxAttempts: number;
  @VarcharColumn(16) retryBackoff: RetryBackoff;
  @UIntColumn() retryDelayMs: number;
  @UIntColumn() retryMaxDelayMs: number;
  @Column({ type: 'double', default: 0 }) retryJitter: number;
  @VarcharColumn(64) retryOn: string;
  @Column({ type: 'mediumtext', nullable: true }) params: string | null;
  @FlagColumn(true) enabled: boolean;
  @TimeColumn({ nullable: true }) nextFireAt: Date | null;
  @TimeColumn({ nullable: true }) lastFireAt: Date | null;
  @Column({ type: 'smallint', unsigned: true, nullable: true }) retentionDays: number | null;
  @VersionColumn({ type: 'int', unsigned: true, default: 1 }) version: number;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
