import { Entity, Index } from 'typeorm';
import { RefColumn } from '../../database/columns.js';

@Entity('job_alert_channels')
@Index('idx_job_alert_channels_channel', ['channelId'])
export class JobAlertChannelEntity {
  @RefColumn({ primary: true }) jobId: string;
  @RefColumn({ primary: true }) channelId: string;
}
