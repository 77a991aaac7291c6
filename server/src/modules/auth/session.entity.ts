import { Entity, Index, PrimaryColumn } from 'typeorm';
import { HashColumn, RefColumn, TimeColumn, VarcharColumn } from '../../database/columns.js';

@Entity('sessions')
@Index('idx_sessions_user', ['userId'])
@Index('idx_sessions_expires', ['expiresAt'])
export class SessionEntity {
  @PrimaryColumn({ type: 'char', length: 64 }) id: string;
  @RefColumn() userId: string;
  @HashColumn() csrfTokenHash: string;
  @VarcharColumn(64, { default: '' }) ip: string;
  @VarcharColumn(255, { default: '' }) userAgent: string;
  @TimeColumn() createdAt: Date;
  @TimeColumn() lastSeenAt: Date;
  @TimeColumn() expiresAt: Date;
  @TimeColumn({ nullable: true }) revokedAt: Date | null;
}
