import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { RefColumn, TimeColumn, UIntColumn, VarcharColumn } from '../../database/columns.js';

@Entity('executor_instances')
@Index('idx_executor_instances_app', ['appId', 'status'])
@Index('idx_executor_instances_heartbeat', ['lastHeartbeatAt'])
export class ExecutorInstanceEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @RefColumn() appId: string;
  @VarcharColumn(255) hostname: string;
  @UIntColumn() pid: number;
  @VarcharColumn(32) sdkVersion: string;
  @Column({ type: 'text' }) handlers: string;
  @UIntColumn() concurrency: number;
  @Column({ type: 'text' }) labels: string;
  @VarcharColumn(64, { nullable: true }) nodeId: string | null;
  @VarcharColumn(16) status: string;
  @UIntColumn({ default: 0 }) inFlight: number;
  @TimeColumn() connectedAt: Date;
  @TimeColumn() lastHeartbeatAt: Date;
  @TimeColumn({ nullable: true }) disconnectedAt: Date | null;
}
