import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { TriggersController } from './triggers.controller.js';
import { TriggersRepository } from './triggers.repository.js';
import { TriggersService } from './triggers.service.js';

/** The REST trigger API: runs other services ask for. */
@Module({
  imports: [JobsModule, RunsModule],
  controllers: [TriggersController],
  providers: [TriggersService, TriggersRepository],
})
export class TriggersModule {}
