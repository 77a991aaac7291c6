import { Entity, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../../database/columns.js';

@Entity('setup_tokens')
export class SetupTokenEntity {
  @PrimaryColumn({ type: 'char', length: 64 }) tokenHash: string;
  @TimeColumn() createdAt: Date;
  @TimeColumn() expiresAt: Date;
  @TimeColumn({ nullable: true }) usedAt: Date | null;
}
