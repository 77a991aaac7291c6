import { Entity, Index } from 'typeorm';
import { FlagColumn, HashColumn, IdColumn, RefColumn, TimeColumn, VarcharColumn } from '../../database/columns.js';

@Entity('api_keys')
@Index('uq_api_keys_hash', ['keyHash'], { unique: true })
export class ApiKeyEntity {
  @IdColumn() id: string;
  @VarcharColumn(128) name: string;
  @VarcharColumn(16) prefix: string;
  @HashColumn() keyHash: string;
  @VarcharColumn(64) scopes: string;
  @FlagColumn(false) allApps: boolean;
  @RefColumn({ nullable: true }) createdByUserId: string | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn({ nullable: true }) expiresAt: Date | null;
  @TimeColumn({ nullable: true }) lastUsedAt: Date | null;
  @TimeColumn({ nullable: true }) revokedAt: Date | null;
}
