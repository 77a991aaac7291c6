import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthJanitor } from './auth-janitor.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { Authenticator } from './authenticator.js';
import { FirstStart } from './first-start.js';
import { LoginAttemptsRepository } from './login-attempts.repository.js';
import { PasswordHasher } from './passwords.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { SetupTokensRepository } from './setup-tokens.repository.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/**
 * Identity: users, sessions, API keys, the first start, and the Authenticator that turns a
 * request's credentials into a principal. (Audit entries go through the global AuditModule;
 * the dead-session janitor is a leader duty, registered in scheduler.module.ts.)
 */
@Module({
  imports: [AppsModule],
  controllers: [AuthController, UsersController, ApiKeysController],
  providers: [
    UsersRepository,
    SessionsRepository,
    SetupTokensRepository,
    LoginAttemptsRepository,
    ApiKeysRepository,
    PasswordHasher,
    SessionsService,
    UsersService,
    ApiKeysService,
    AuthService,
    FirstStart,
    AuthJanitor,
    { provide: Authenticator, useClass: RequestAuthenticator },
  ],
  exports: [Authenticator, UsersService, ApiKeysService, SessionsService, AuthJanitor],
})
export class AuthModule {}
