import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dialectOf } from '../../database/sql-dialect.js';

@Injectable()
export class LoginAttemptsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async record(email: string, ip: string, succeeded: boolean, at: Date): Promise<void> {
    await this.dataSource.query('INSERT INTO login_attempts (email, ip, succeeded, at) VALUES (?, ?, ?, ?)', [email.slice(0, 254), ip.slice(0, 64), succeeded ? 1 : 0, at]);
  }

  /**
   * The time of the address's `n`-th most recent failure since `since`, or null when it has
   * fewer failures: the address is over its limit until that failure leaves the window.
   */
  async nthRecentFailure(ip: string, since: Date, n: number): Promise<Date | null> {
    const rows: Array<{ at: Date }> = await this.dataSource.query(
      'SELECT at FROM login_attempts WHERE ip = ? AND at > ? AND succeeded = 0 ORDER BY at DESC LIMIT 1 OFFSET ?',
      [ip.slice(0, 64), since, n - 1],
    );
    return rows[0] ? new Date(rows[0].at) : null;
  }

  async pruneOlderThan(before: Date, limit: number): Promise<number> {
    const result = await this.dataSource.query(dialectOf(this.dataSource).deleteAtMost('login_attempts', 'id', 'at < ?', 'id'), [before, limit]);
    return result.affectedRows;
  }
}
