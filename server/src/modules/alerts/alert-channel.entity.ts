import { Column, Entity, Index, VersionColumn } from 'typeorm';
import { FlagColumn, IdColumn, TimeColumn, VarcharColumn } from '../../database/columns.js';

@Entity('alert_channels')
@Index('uq_alert_channels_name', ['name'], { unique: true })
export class AlertChannelEntity {
  @IdColumn() id: string;
  @VarcharColumn(128) name: string;
  @VarcharColumn(16) type: string;
  @Column({ type: 'text' }) config: string;
  @FlagColumn(true) enabled: boolean;
  @VersionColumn({ type: 'int', unsigned: true, default: 1 }) version: number;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
