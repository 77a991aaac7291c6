import { Entity, Index, VersionColumn } from 'typeorm';
import { FlagColumn, IdColumn, TimeColumn, UIntColumn, VarcharColumn } from '../../database/columns.js';

@Entity('users')
@Index('uq_users_email', ['email'], { unique: true })
export class UserEntity {
  @IdColumn() id: string;
  @VarcharColumn(254) email: string;
  @VarcharColumn(128, { default: '' }) displayName: string;
  @VarcharColumn(255) passwordHash: string;
  @VarcharColumn(16) role: string;
  @FlagColumn(false) disabled: boolean;
  @UIntColumn({ default: 0 }) failedLoginCount: number;
  @TimeColumn({ nullable: true }) lockedUntil: Date | null;
  @TimeColumn() passwordChangedAt: Date;
  @TimeColumn({ nullable: true }) lastLoginAt: Date | null;
  @VersionColumn({ type: 'int', unsigned: true, default: 1 }) version: number;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
