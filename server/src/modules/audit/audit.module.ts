import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { AuditRecorder } from './audit-recorder.js';
import { AuditService } from './audit.service.js';

/** The audit log: every module injects AuditRecorder to append to it. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditLogRepository, AuditService, { provide: AuditRecorder, useExisting: AuditService }],
  exports: [AuditRecorder, AuditService],
})
export class AuditModule {}
