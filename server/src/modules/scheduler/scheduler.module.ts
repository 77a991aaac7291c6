import { Module } from '@nestjs/common';
import { AlertDispatcher } from '../alerts/alert-dispatcher.js';
import { AlertsModule } from '../alerts/alerts.module.js';
import { MisfireWatch } from '../alerts/misfire-watch.js';
import { NoExecutorWatch } from '../alerts/no-executor-watch.js';
import { ChildrenModule } from '../children/children.module.js';
import { ChildSweeper } from '../children/child-sweeper.js';
import { DispatchModule } from '../dispatch/dispatch.module.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { Recoverer } from '../dispatch/recoverer.js';
import { ExecutorReaper } from '../executors/executor-reaper.js';
import { ExecutorsModule } from '../executors/executors.module.js';
import { RetriesModule } from '../retries/retries.module.js';
import { RetrySweeper } from '../retries/retry-sweeper.js';
import { RunsModule } from '../runs/runs.module.js';
import { RetentionJanitor } from '../stats/retention-janitor.js';
import { StatsModule } from '../stats/stats.module.js';
import { ClusterController } from './cluster.controller.js';
import { ClusterService } from './cluster.service.js';
import { FixedDelaySweeper } from './fixed-delay-sweeper.js';
import { LeaderLeaseRepository } from './leader-lease.repository.js';
import { AuthModule } from '../auth/auth.module.js';
import { AuthJanitor } from '../auth/auth-janitor.js';
import { LEADER_DUTIES, type LeaderDuty } from './leader-duty.js';
import { LeadershipService } from './leadership.service.js';
import { NodeHeartbeat } from './node-heartbeat.js';
import { NodePruner } from './node-pruner.js';
import { RunEndPlanner } from './run-end-planner.js';
import { SchedulerNodesRepository } from './scheduler-nodes.repository.js';
import { TriggerLoop } from './trigger-loop.js';
import { TriggerRepository } from './trigger.repository.js';

/**
 * Leader election, cluster membership and the trigger engine. LEADER_DUTIES below is the one
 * place leader-only duties are registered: leadership starts them on takeover, stops them on
 * step-down. Nothing leader-only runs on a timer of its own.
 */
@Module({
  imports: [AuthModule, RunsModule, DispatchModule, ExecutorsModule, RetriesModule, ChildrenModule, AlertsModule, StatsModule],
  controllers: [ClusterController],
  providers: [
    LeaderLeaseRepository,
    SchedulerNodesRepository,
    TriggerRepository,
    LeadershipService,
    NodeHeartbeat,
    NodePruner,
    TriggerLoop,
    RunEndPlanner,
    FixedDelaySweeper,
    ClusterService,
    {
      provide: LEADER_DUTIES,
      inject: [TriggerLoop, Dispatcher, Recoverer, NodePruner, ExecutorReaper, FixedDelaySweeper, RetrySweeper, ChildSweeper, AlertDispatcher, NoExecutorWatch, MisfireWatch, RetentionJanitor, AuthJanitor],
      useFactory: (...duties: LeaderDuty[]): LeaderDuty[] => duties,
    },
  ],
  exports: [LeadershipService, RunEndPlanner, NodeHeartbeat],
})
export class SchedulerModule {}
