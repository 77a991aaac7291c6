import { Column, Entity, Index } from 'typeorm';
import type { RunStatus, TriggerType } from '@baton/protocol';
import { bigintAsString, FlagColumn, IdColumn, RefColumn, TimeColumn, UIntColumn, VarcharColumn } from '../../database/columns.js';

@Entity('runs')
@Index('uq_runs_fire', ['jobId', 'fireTime', 'shardIndex'], { unique: true })
@Index('uq_runs_idempotency', ['jobId', 'idempotencyKey'], { unique: true })
@Index('idx_runs_outbox', ['status', 'scheduledAt'])
@Index('idx_runs_lease', ['status', 'leaseUntil'])
@Index('idx_runs_job', ['jobId', 'id'])
@Index('idx_runs_job_status', ['jobId', 'status', 'id'])
@Index('idx_runs_app', ['appId', 'id'])
@Index('idx_runs_status', ['status', 'id'])
@Index('uq_runs_attempt', ['rootRunId', 'attempt', 'shardIndex'], { unique: true })
@Index('idx_runs_parent', ['parentRunId'])
@Index('idx_runs_dead', ['dead', 'id'])
@Index('idx_runs_created', ['createdAt'])
export class RunEntity {
  @IdColumn() id: string;
  @RefColumn() jobId: string;
  @RefColumn() appId: string;
  @VarcharColumn(16) triggerType: TriggerType;
  @VarcharColumn(16) status: RunStatus;
  @VarcharColumn(255, { nullable: true }) statusReason: string | null;
  @TimeColumn() scheduledAt: Date;
  @TimeColumn({ nullable: true }) fireTime: Date | null;
  @UIntColumn({ default: 0 }) shardIndex: number;
  @UIntColumn({ default: 1 }) shardTotal: number;
  @UIntColumn({ default: 1 }) attempt: number;
  @RefColumn({ nullable: true }) rootRunId: string | null;
  @RefColumn({ nullable: true }) parentRunId: string | null;
  @Column({ type: 'smallint', unsigned: true, default: 0 }) chainDepth: number;
  @Column({ type: 'bigint', unsigned: true, nullable: true, transformer: bigintAsString }) plannedEpoch: string | null;
  @VarcharColumn(128, { nullable: true }) idempotencyKey: string | null;
  @Column({ type: 'mediumtext', nullable: true }) params: string | null;
  @VarcharColumn(64, { nullable: true }) executorId: string | null;
  @UIntColumn({ default: 0 }) dispatchCount: number;
  @TimeColumn({ nullable: true }) leaseUntil: Date | null;
  @TimeColumn({ nullable: true }) dispatchedAt: Date | null;
  @TimeColumn({ nullable: true }) ackedAt: Date | null;
  @TimeColumn({ nullable: true }) startedAt: Date | null;
  @TimeColumn({ nullable: true }) finishedAt: Date | null;
  @TimeColumn({ nullable: true }) killRequestedAt: Date | null;
  @Column({ type: 'tinyint', unsigned: true, nullable: true }) progress: number | null;
  @Column({ type: 'mediumtext', nullable: true }) result: string | null;
  @Column({ type: 'text', nullable: true }) errorMessage: string | null;
  @Column({ type: 'text', nullable: true }) errorStack: string | null;
  @FlagColumn(true) retryable: boolean;
  @FlagColumn(false) dead: boolean;
  @UIntColumn({ default: 0 }) logSeq: number;
  @UIntColumn({ default: 0 }) logBytes: number;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
