import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsString, TimeColumn, VarcharColumn } from '../../database/columns.js';

@Entity('scheduler_lease')
export class SchedulerLeaseEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) name: string;
  @VarcharColumn(64, { nullable: true }) holder: string | null;
  @Column({ type: 'bigint', unsigned: true, default: 0, transformer: bigintAsString }) epoch: string;
  @TimeColumn({ nullable: true }) acquiredAt: Date | null;
  @TimeColumn({ nullable: true }) expiresAt: Date | null;
}
