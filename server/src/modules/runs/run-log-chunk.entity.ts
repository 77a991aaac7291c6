import { Column, Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TimeColumn, UIntColumn } from '../../database/columns.js';

@Entity('run_log_chunks')
@Index('uq_run_log_chunks_seq', ['runId', 'seq'], { unique: true })
@Index('idx_run_log_chunks_created', ['createdAt'])
export class RunLogChunkEntity {
  @IdColumn() id: string;
  @RefColumn() runId: string;
  @UIntColumn() seq: number;
  @Column({ type: 'mediumtext' }) content: string;
  @UIntColumn() lineCount: number;
  @UIntColumn() bytes: number;
  @TimeColumn() createdAt: Date;
}
