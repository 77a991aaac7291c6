import { Entity, Index } from 'typeorm';
import { RefColumn, TimeColumn, UIntColumn, VarcharColumn } from '../../database/columns.js';

/** One channel a job alerts to; the job's event filter and window are repeated on each of its rows. */
@Entity('job_alert_channels')
@Index('idx_job_alert_channels_channel', ['channelId'])
export class JobAlertChannelEntity {
  @RefColumn({ primary: true }) jobId: string;
  @RefColumn({ primary: true }) channelId: string;
  /** Comma-separated alert kinds. */
  @VarcharColumn(255) events: string;
  @UIntColumn({ default: 0 }) suppressWindowMs: number;
  @TimeColumn() createdAt: Date;
}
