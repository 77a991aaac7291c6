import { Injectable } from '@nestjs/common';
import { EXECUTOR_PROTOCOL_VERSION, type ExecutorHandshake, type HandshakeError } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { hashesEqual, hashSecret } from '../../common/secrets.js';
import type { AppEntity } from '../apps/app.entity.js';
import { AppsService } from '../apps/apps.service.js';
import { parseHandshake } from './executor-messages.js';

export class HandshakeRejected extends Error {
  constructor(
    readonly code: HandshakeError,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** Checks an executor's handshake: protocol version, app, and its token (current, or previous within the rotation grace). */
@Injectable()
export class ExecutorAuthService {
  constructor(
    private readonly apps: AppsService,
    private readonly clock: Clock,
  ) {}

  async verify(auth: unknown): Promise<{ handshake: ExecutorHandshake; app: AppEntity }> {
    const parsed = parseHandshake(auth);
    if (typeof parsed === 'string') throw new HandshakeRejected('INVALID_HANDSHAKE', parsed);
    if (parsed.protocol !== EXECUTOR_PROTOCOL_VERSION) {
      throw new HandshakeRejected('UNSUPPORTED_PROTOCOL', `this server speaks executor protocol ${EXECUTOR_PROTOCOL_VERSION}, the executor ${parsed.protocol}`);
    }
    const app = await this.apps.resolve(parsed.app).catch(() => null);
    // One message for an unknown app and a wrong token, so the answer does not reveal which apps exist.
    const denied = new HandshakeRejected('UNAUTHORIZED', 'unknown app or wrong token');
    if (!app || app.name !== parsed.app) throw denied;
    const hash = hashSecret(parsed.token);
    const current = hashesEqual(hash, app.tokenHash);
    const previous = app.previousTokenHash !== null && app.previousTokenExpiresAt !== null && app.previousTokenExpiresAt > this.clock.now() && hashesEqual(hash, app.previousTokenHash);
    if (!current && !previous) throw denied;
    return { handshake: parsed, app };
  }
}
