import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { AlertDispatcher } from './alert-dispatcher.js';
import { AlertRecorder } from './alert-recorder.js';
import { AlertSourcesRepository } from './alert-sources.repository.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { MisfireWatch } from './misfire-watch.js';
import { NoExecutorWatch } from './no-executor-watch.js';
import { RoutingController } from './routing.controller.js';
import { RoutingRepository } from './routing.repository.js';
import { RoutingService } from './routing.service.js';

/**
 * Alerts: channels, per-job routing and history (API); the recorder reacts to every run's end
 * (on every node); the dispatcher and the two watches are leader duties, registered in
 * SchedulerModule's LEADER_DUTIES.
 */
@Module({
  imports: [RunsModule, JobsModule],
  controllers: [ChannelsController, RoutingController, AlertsController],
  providers: [
    ChannelsRepository,
    RoutingRepository,
    AlertsRepository,
    AlertSourcesRepository,
    ChannelsService,
    RoutingService,
    AlertsService,
    AlertRecorder,
    AlertDispatcher,
    NoExecutorWatch,
    MisfireWatch,
  ],
  exports: [AlertDispatcher, NoExecutorWatch, MisfireWatch, AlertRecorder],
})
export class AlertsModule {}
