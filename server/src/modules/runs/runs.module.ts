import { Module } from '@nestjs/common';
import { RunEvents } from './run-events.js';
import { RunLogsRepository } from './run-logs.repository.js';
import { RunReportsService } from './run-reports.service.js';
import { RunsRepository } from './runs.repository.js';

/** The run domain's core: its repositories, the reports executors make, and run events. */
@Module({
  providers: [RunsRepository, RunLogsRepository, RunEvents, RunReportsService],
  exports: [RunsRepository, RunLogsRepository, RunEvents, RunReportsService],
})
export class RunsModule {}
