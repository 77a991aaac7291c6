import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { dialectOf } from '../../database/sql-dialect.js';
import { SessionEntity } from './session.entity.js';

@Injectable()
export class SessionsRepository {
  private readonly sessions: Repository<SessionEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.sessions = dataSource.getRepository(SessionEntity);
  }

  async insert(session: SessionEntity): Promise<void> {
    await this.sessions.insert(session);
  }

  /** The session if it is not revoked, not expired and was used since `idleCutoff`. */
  findLive(id: string, now: Date, idleCutoff: Date): Promise<SessionEntity | null> {
    return this.sessions
      .createQueryBuilder('s')
      .where('s.id = :id AND s.revoked_at IS NULL AND s.expires_at > :now AND s.last_seen_at > :idleCutoff', { id, now, idleCutoff })
      .getOne();
  }

  /** Records use, at most once per `staleBefore` window (the WHERE makes concurrent touches one write). */
  async touch(id: string, now: Date, staleBefore: Date): Promise<void> {
    await this.dataSource.query('UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ? AND revoked_at IS NULL', [now, id, staleBefore]);
  }

  async revoke(id: string, now: Date): Promise<void> {
    await this.dataSource.query('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id]);
  }

  /** Revokes every live session of the user except `keepId`. */
  async revokeAllOfUser(userId: string, now: Date, keepId: string | null = null): Promise<number> {
    const result = await this.dataSource.query('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?', [now, userId, keepId ?? '']);
    return result.affectedRows;
  }

  /** Deletes up to `limit` sessions that can no longer be used (expired, revoked or idle). */
  async pruneDead(now: Date, idleCutoff: Date, limit: number): Promise<number> {
    const sql = dialectOf(this.dataSource);
    const expired = await this.dataSource.query(sql.deleteAtMost('sessions', 'id', 'expires_at < ?'), [now, limit]);
    const dead = await this.dataSource.query(sql.deleteAtMost('sessions', 'id', 'revoked_at IS NOT NULL OR last_seen_at < ?'), [idleCutoff, limit]);
    return expired.affectedRows + dead.affectedRows;
  }
}
