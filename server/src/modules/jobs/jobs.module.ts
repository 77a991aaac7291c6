import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { JobsController } from './jobs.controller.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';

@Module({
  imports: [AppsModule, SchedulesModule],
  controllers: [JobsController],
  providers: [JobsService, JobsRepository],
  exports: [JobsService],
})
export class JobsModule {}
