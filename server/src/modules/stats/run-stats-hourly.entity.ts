import { Column, Entity, Index } from 'typeorm';
import { bigintAsString, RefColumn, TimeColumn, UIntColumn } from '../../database/columns.js';

/** Counters of the runs of one job that ended in one UTC hour (bucket_start = the hour of finished_at). */
@Entity('run_stats_hourly')
@Index('idx_run_stats_hourly_app', ['appId', 'bucketStart'])
@Index('idx_run_stats_hourly_bucket', ['bucketStart'])
export class RunStatsHourlyEntity {
  @RefColumn({ primary: true }) jobId: string;
  @TimeColumn({ primary: true }) bucketStart: Date;
  @RefColumn() appId: string;
  @UIntColumn({ default: 0 }) succeeded: number;
  @UIntColumn({ default: 0 }) failed: number;
  @UIntColumn({ default: 0 }) timedOut: number;
  @UIntColumn({ default: 0 }) cancelled: number;
  @UIntColumn({ default: 0 }) lost: number;
  @UIntColumn({ default: 0 }) skipped: number;
  @Column({ type: 'bigint', unsigned: true, default: 0, transformer: bigintAsString }) durationMsSum: string;
  @UIntColumn({ default: 0 }) durationMsMax: number;
  /** Runs counted in durationMsSum (those with both a start and an end). */
  @UIntColumn({ default: 0 }) durationCount: number;
}
