import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { ExecutorAuthService } from './executor-auth.service.js';
import { ExecutorReaper } from './executor-reaper.js';
import { ExecutorRegistry } from './executor-registry.js';
import { ExecutorSessions } from './executor-sessions.service.js';
import { ExecutorsController } from './executors.controller.js';
import { ExecutorsGateway } from './executors.gateway.js';
import { ExecutorsRepository } from './executors.repository.js';
import { ExecutorsService } from './executors.service.js';
import { RunKiller } from './run-killer.js';

@Module({
  imports: [AppsModule, RunsModule],
  controllers: [ExecutorsController],
  providers: [ExecutorRegistry, ExecutorAuthService, ExecutorsRepository, ExecutorSessions, ExecutorsGateway, RunKiller, ExecutorReaper, ExecutorsService],
  exports: [ExecutorRegistry, RunKiller, ExecutorReaper],
})
export class ExecutorsModule {}
