import { Entity, Index, VersionColumn } from 'typeorm';
import { HashColumn, IdColumn, TimeColumn, VarcharColumn } from '../../database/columns.js';

@Entity('apps')
@Index('uq_apps_name', ['name'], { unique: true })
export class AppEntity {
  @IdColumn() id: string;
  @VarcharColumn(64, { binary: true }) name: string;
  @VarcharColumn(512, { default: '' }) description: string;
  @HashColumn() tokenHash: string;
  @VarcharColumn(16) tokenPrefix: string;
  @TimeColumn() tokenRotatedAt: Date;
  @HashColumn({ nullable: true }) previousTokenHash: string | null;
  @TimeColumn({ nullable: true }) previousTokenExpiresAt: Date | null;
  @VersionColumn({ type: 'int', unsigned: true, default: 1 }) version: number;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
