import { Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn, UIntColumn, VarcharColumn } from '../../database/columns.js';

@Entity('scheduler_nodes')
@Index('idx_scheduler_nodes_heartbeat', ['lastHeartbeatAt'])
export class SchedulerNodeEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id: string;
  @VarcharColumn(255) advertiseUrl: string;
  @VarcharColumn(32) version: string;
  @VarcharColumn(255) hostname: string;
  @UIntColumn() pid: number;
  @TimeColumn() startedAt: Date;
  @TimeColumn() lastHeartbeatAt: Date;
}
