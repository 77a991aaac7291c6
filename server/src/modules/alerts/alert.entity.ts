import { Column, Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TimeColumn, UIntColumn, VarcharColumn } from '../../database/columns.js';

@Entity('alerts')
@Index('uq_alerts_dedupe', ['channelId', 'dedupeKey'], { unique: true })
@Index('idx_alerts_pending', ['status', 'nextAttemptAt'])
@Index('idx_alerts_job', ['jobId', 'id'])
@Index('idx_alerts_channel', ['channelId', 'id'])
@Index('idx_alerts_window', ['channelId', 'kind', 'appId', 'jobId', 'createdAt'])
@Index('idx_alerts_created', ['createdAt'])
export class AlertEntity {
  @IdColumn() id: string;
  @RefColumn() channelId: string;
  @VarcharColumn(32) kind: string;
  @RefColumn({ nullable: true }) appId: string | null;
  @RefColumn({ nullable: true }) jobId: string | null;
  @RefColumn({ nullable: true }) runId: string | null;
  @VarcharColumn(191) dedupeKey: string;
  @VarcharColumn(16) status: string;
  @UIntColumn({ default: 0 }) attempts: number;
  @TimeColumn({ nullable: true }) nextAttemptAt: Date | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'text' }) payload: string;
  @TimeColumn() createdAt: Date;
  @TimeColumn({ nullable: true }) sentAt: Date | null;
}
