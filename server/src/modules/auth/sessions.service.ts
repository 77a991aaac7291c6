import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { randomToken } from './auth-secrets.js';
import { SessionsRepository } from './sessions.repository.js';

/** last_seen_at is written at most this often per session. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export interface IssuedSession {
  /** The cookie value; only its SHA-256 is stored (as sessions.id). */
  sessionToken: string;
  /** Echoed by the console in X-CSRF-Token; only its SHA-256 is stored. */
  csrfToken: string;
  expiresAt: Date;
}

@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async issue(userId: string, ip: string, userAgent: string): Promise<IssuedSession> {
    const now = this.clock.now();
    const session = randomToken();
    const csrf = randomToken();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlMs);
    await this.sessions.insert({
      id: session.hash,
      userId,
      csrfTokenHash: csrf.hash,
      ip: ip.slice(0, 64),
      userAgent: userAgent.slice(0, 255),
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      revokedAt: null,
    });
    return { sessionToken: session.value, csrfToken: csrf.value, expiresAt };
  }

  revoke(sessionId: string): Promise<void> {
    return this.sessions.revoke(sessionId, this.clock.now());
  }

  /** Ends every session of the user, except `keepSessionId` (the caller's own, on a password change). */
  revokeAllOfUser(userId: string, keepSessionId: string | null = null): Promise<number> {
    return this.sessions.revokeAllOfUser(userId, this.clock.now(), keepSessionId);
  }
}
