import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { PeriodicDuty } from '../scheduler/periodic-duty.js';
import { LOGIN_IP_WINDOW_MS } from './auth.service.js';
import { LoginAttemptsRepository } from './login-attempts.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import { SetupTokensRepository } from './setup-tokens.repository.js';

export const AUTH_JANITOR_INTERVAL_MS = 60_000;
export const AUTH_JANITOR_BATCH = 500;
/** Batches per kind per pass; a larger backlog waits for the next pass. */
const BATCHES_PER_PASS = 10;
/** Login attempts are kept this long (the per-address window is 15 minutes; the rest is for investigations). */
export const LOGIN_ATTEMPT_KEEP_MS = 7 * 86_400_000;

/**
 * Leader duty (registered in LEADER_DUTIES): deletes dead sessions, old login attempts and
 * expired setup tokens in small batches. Deletes are idempotent, so it needs no fencing.
 */
@Injectable()
export class AuthJanitor extends PeriodicDuty {
  readonly name = 'auth-janitor';
  protected readonly logger = new Logger('AuthJanitor');

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly attempts: LoginAttemptsRepository,
    private readonly setupTokens: SetupTokensRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected intervalMs(): number {
    return AUTH_JANITOR_INTERVAL_MS;
  }

  async runOnce(): Promise<{ sessions: number; attempts: number; setupTokens: number }> {
    const now = this.clock.now();
    const idleCutoff = new Date(now.getTime() - this.config.sessionIdleMs);
    const attemptsBefore = new Date(now.getTime() - Math.max(LOGIN_ATTEMPT_KEEP_MS, LOGIN_IP_WINDOW_MS));
    const result = { sessions: 0, attempts: 0, setupTokens: 0 };
    result.sessions = await drain(() => this.sessions.pruneDead(now, idleCutoff, AUTH_JANITOR_BATCH));
    result.attempts = await drain(() => this.attempts.pruneOlderThan(attemptsBefore, AUTH_JANITOR_BATCH));
    result.setupTokens = await drain(() => this.setupTokens.pruneExpired(new Date(now.getTime() - 86_400_000), AUTH_JANITOR_BATCH));
    return result;
  }
}

async function drain(batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < BATCHES_PER_PASS; i++) {
    const n = await batch();
    total += n;
    if (n < AUTH_JANITOR_BATCH) break;
  }
  return total;
}
