import { Column, Entity, Index } from 'typeorm';
import { IdColumn, TimeColumn, VarcharColumn } from '../../database/columns.js';

@Entity('login_attempts')
@Index('idx_login_attempts_email', ['email', 'at'])
@Index('idx_login_attempts_ip', ['ip', 'at'])
export class LoginAttemptEntity {
  @IdColumn() id: string;
  @VarcharColumn(254) email: string;
  @VarcharColumn(64) ip: string;
  @Column({ type: 'tinyint', transformer: { to: (v: boolean) => (v ? 1 : 0), from: (v: number) => v === 1 } }) succeeded: boolean;
  @TimeColumn() at: Date;
}
