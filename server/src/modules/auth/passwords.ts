import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { AppConfig } from '../../config/app-config.js';
import { passwordTooWeak } from './auth.errors.js';

/** `Algorithm.Argon2id` (a const enum, which isolated-module builds cannot import). */
const ARGON2ID = 2;

/**
 * argon2id with the library defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum), about 50 ms
 * per hash here. The parameters are in each PHC string, so raising them later keeps old hashes valid.
 */
@Injectable()
export class PasswordHasher {
  /** A hash of nothing anyone knows, verified against for unknown e-mails. */
  private readonly dummy: Promise<string>;

  constructor(private readonly config: AppConfig) {
    this.dummy = this.hash(randomBytes(16).toString('hex'));
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /** Spends one verification on a throwaway hash, so an unknown e-mail takes as long as a wrong password. */
  async spendOneVerification(password: string): Promise<void> {
    await this.verify(await this.dummy, password);
  }

  /** Throws PASSWORD_TOO_WEAK saying what to fix. */
  assertAcceptable(password: string, email: string): void {
    const min = this.config.passwordMinLength;
    if ([...password].length < min) throw passwordTooWeak(`The password must be at least ${min} characters long; a passphrase of a few words works well.`);
    if (password.trim().toLowerCase() === email.trim().toLowerCase()) throw passwordTooWeak('The password must not be the e-mail address.');
    if (new Set(password).size < 3) throw passwordTooWeak('The password must not repeat one or two characters; use a passphrase of a few words.');
  }
}
