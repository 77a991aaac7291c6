import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ExecutorsModule } from '../executors/executors.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { ConsoleGateway } from './console.gateway.js';
import { RunsController } from './runs.controller.js';
import { RunsModule } from './runs.module.js';
import { RunsService } from './runs.service.js';

/** The runs REST API and the console's live feed (apart from RunsModule, which executors need). */
@Module({
  imports: [RunsModule, ExecutorsModule, JobsModule, AppsModule, AuthModule],
  controllers: [RunsController],
  providers: [RunsService, ConsoleGateway],
})
export class RunsApiModule {}
