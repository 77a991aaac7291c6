import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { normalizeEmail, randomToken } from './auth-secrets.js';
import { PasswordHasher } from './passwords.js';
import { SetupTokensRepository } from './setup-tokens.repository.js';
import { UsersRepository } from './users.repository.js';

/**
 * First start, without any default account: when no user exists, either creates the admin named
 * by BATON_ADMIN_EMAIL/BATON_ADMIN_PASSWORD (once, however many nodes start together), or
 * stores a one-time setup token (only its hash) and logs the setup link. That log line is the
 * only secret the server ever logs.
 */
@Injectable()
export class FirstStart implements OnApplicationBootstrap {
  private readonly logger = new Logger('Setup');

  constructor(
    private readonly users: UsersRepository,
    private readonly setupTokens: SetupTokensRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditRecorder,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly httpHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.anyExists()) return;
    const admin = this.config.bootstrapAdmin;
    if (admin) await this.createAdminFromEnv(admin.email, admin.password);
    else await this.offerSetupLink();
  }

  private async createAdminFromEnv(rawEmail: string, password: string): Promise<void> {
    const email = normalizeEmail(rawEmail);
    this.hasher.assertAcceptable(password, email);
    const now = this.clock.now();
    const outcome = await this.users.createFirstAdmin(
      { email, displayName: '', passwordHash: await this.hasher.hash(password), role: 'admin', passwordChangedAt: now, createdAt: now, updatedAt: now },
      null,
      now,
    );
    if ('refused' in outcome) return; // another node created the first user meanwhile
    this.logger.log(`Created the first admin ${email} from BATON_ADMIN_EMAIL; remove BATON_ADMIN_PASSWORD from the environment and change the password.`);
    await this.audit.record({
      actor: { type: 'system', id: null, name: 'system' },
      action: 'auth.setup',
      target: { type: 'user', id: outcome.created.id },
      ip: '',
      requestId: '',
      details: { email, via: 'environment' },
    });
  }

  private async offerSetupLink(): Promise<void> {
    const now = this.clock.now();
    const token = randomToken();
    const ttlMs = this.config.setupTokenTtlMs;
    await this.setupTokens.insert(token.hash, now, new Date(now.getTime() + ttlMs));
    const log = (port: number) => {
      const link = (baseUrl: string) => `${baseUrl}/setup?token=${token.value}`;
      const local = this.config.localUrlFor(port);
      const remote = this.config.advertiseUrlFor(port);
      // On a first start the operator is usually on this machine; the host name serves the others.
      const where = local ? `${link(local)} (from another machine: ${link(remote)})` : link(remote);
      this.logger.warn(`No user exists yet. Create the first admin within ${Math.round(ttlMs / 60_000)} minutes at ${where}`);
    };
    if (this.config.advertiseUrlKnown) {
      log(this.config.portInUse);
      return;
    }
    // PORT=0: the link names the port once the server listens.
    const server = this.httpHost.httpAdapter.getHttpServer() as Server;
    server.once('listening', () => {
      const address = server.address();
      log(address && typeof address === 'object' ? address.port : this.config.port);
    });
  }
}
