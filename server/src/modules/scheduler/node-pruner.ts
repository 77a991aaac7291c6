import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { PeriodicTask } from '../../common/periodic-task.js';
import { AppConfig } from '../../config/app-config.js';
import type { LeaderDuty } from './leader-duty.js';
import { SchedulerNodesRepository } from './scheduler-nodes.repository.js';

/** Leader duty: removes nodes that stopped heartbeating (crashed without a clean shutdown). */
@Injectable()
export class NodePruner implements LeaderDuty {
  readonly name = 'node-pruner';
  private readonly logger = new Logger('NodePruner');
  private readonly task: PeriodicTask;

  constructor(
    private readonly nodes: SchedulerNodesRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.task = new PeriodicTask(this.name, () => config.nodeExpiryMs / 2, () => this.prune(), this.logger);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  async prune(): Promise<void> {
    const removed = await this.nodes.pruneSilentSince(new Date(this.clock.now().getTime() - this.config.nodeExpiryMs));
    if (removed > 0) this.logger.log(`Pruned ${removed} silent node(s)`);
  }
}
