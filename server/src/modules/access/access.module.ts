import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module.js';
import { AccessGuard } from './access.guard.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { ResourceAppsRepository } from './resource-apps.repository.js';

/** Enforces every controller's route policies and audits the routes that ask for it. */
@Module({
  imports: [AuthModule],
  providers: [ResourceAppsRepository, { provide: APP_GUARD, useClass: AccessGuard }, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
})
export class AccessModule {}
