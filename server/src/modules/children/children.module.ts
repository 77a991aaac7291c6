import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { ChildStarter } from './child-starter.js';
import { ChildSweeper } from './child-sweeper.js';
import { ChildrenController } from './children.controller.js';
import { ChildrenRepository } from './children.repository.js';
import { ChildrenService } from './children.service.js';

/**
 * Child jobs: ChildStarter starts a job's children when its run ends (on every node, through
 * RunEvents); ChildSweeper is a leader duty (registered in SchedulerModule's LEADER_DUTIES)
 * that repairs a fan-out lost to a crash; GET /runs/:id/children lists them.
 */
@Module({
  imports: [RunsModule],
  controllers: [ChildrenController],
  providers: [ChildrenRepository, ChildStarter, ChildSweeper, ChildrenService],
  exports: [ChildSweeper, ChildStarter],
})
export class ChildrenModule {}
