import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dialectOf } from '../../database/sql-dialect.js';

@Injectable()
export class SetupTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tokenHash: string, createdAt: Date, expiresAt: Date): Promise<void> {
    await this.dataSource.query('INSERT INTO setup_tokens (token_hash, created_at, expires_at, used_at) VALUES (?, ?, ?, NULL)', [tokenHash, createdAt, expiresAt]);
  }

  async isUsable(tokenHash: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM setup_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?', [tokenHash, now]);
    return rows.length > 0;
  }

  async pruneExpired(before: Date, limit: number): Promise<number> {
    const result = await this.dataSource.query(dialectOf(this.dataSource).deleteAtMost('setup_tokens', 'token_hash', 'expires_at < ?'), [before, limit]);
    return result.affectedRows;
  }
}
