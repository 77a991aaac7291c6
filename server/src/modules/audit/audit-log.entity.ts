import { Column, Entity, Index } from 'typeorm';
import { IdColumn, TimeColumn, VarcharColumn } from '../../database/columns.js';

@Entity('audit_log')
@Index('idx_audit_log_at', ['at'])
@Index('idx_audit_log_actor', ['actorType', 'actorId', 'id'])
@Index('idx_audit_log_target', ['targetType', 'targetId', 'id'])
@Index('idx_audit_log_action', ['action', 'id'])
export class AuditLogEntity {
  @IdColumn() id: string;
  @TimeColumn() at: Date;
  @VarcharColumn(16) actorType: string;
  @VarcharColumn(64, { nullable: true }) actorId: string | null;
  @VarcharColumn(255, { default: '' }) actorName: string;
  @VarcharColumn(64) action: string;
  @VarcharColumn(32, { nullable: true }) targetType: string | null;
  @VarcharColumn(64, { nullable: true }) targetId: string | null;
  @VarcharColumn(64, { default: '' }) ip: string;
  @VarcharColumn(64, { default: '' }) requestId: string;
  @Column({ type: 'text', nullable: true }) details: string | null;
}
