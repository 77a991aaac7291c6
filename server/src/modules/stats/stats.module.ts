import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { RetentionJanitor } from './retention-janitor.js';
import { RetentionRepository } from './retention.repository.js';
import { RunRollup } from './run-rollup.js';
import { RunStatsRepository } from './run-stats.repository.js';
import { StatsController } from './stats.controller.js';
import { StatsService } from './stats.service.js';

/**
 * Run statistics: hourly rollups kept by a run-end listener (RunRollup), the /stats API over
 * them, and the leader's retention janitor (registered in LEADER_DUTIES, scheduler.module.ts).
 */
@Module({
  imports: [RunsModule, AppsModule, JobsModule],
  controllers: [StatsController],
  providers: [RunStatsRepository, RunRollup, StatsService, RetentionRepository, RetentionJanitor],
  exports: [RetentionJanitor, RunRollup],
})
export class StatsModule {}
