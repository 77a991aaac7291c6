import { Column, Entity, PrimaryColumn } from 'typeorm';
import { HashColumn, TimeColumn } from './columns.js';

@Entity('schema_migrations')
export class SchemaMigrationEntity {
  @PrimaryColumn({ type: 'int', unsigned: true }) version: number;
  @Column({ type: 'varchar', length: 128 }) name: string;
  @HashColumn() checksum: string;
  @TimeColumn() appliedAt: Date;
}
