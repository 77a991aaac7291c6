import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { RetriesController } from './retries.controller.js';
import { RetriesRepository } from './retries.repository.js';
import { RetriesService } from './retries.service.js';
import { RetryPlanner } from './retry-planner.js';
import { RetrySweeper } from './retry-sweeper.js';

/**
 * Retries with backoff and the dead-letter list: the planner reacts to every run's end (on
 * every node), the sweeper is a leader duty (registered in SchedulerModule's LEADER_DUTIES),
 * and the API retries runs by hand.
 */
@Module({
  imports: [RunsModule, JobsModule, AppsModule],
  controllers: [RetriesController],
  providers: [RetriesRepository, RetryPlanner, RetrySweeper, RetriesService],
  exports: [RetrySweeper, RetryPlanner],
})
export class RetriesModule {}
