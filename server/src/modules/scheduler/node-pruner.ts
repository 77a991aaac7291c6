import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { PeriodicDuty } from './periodic-duty.js';
import { SchedulerNodesRepository } from './scheduler-nodes.repository.js';

/** Leader duty: removes nodes that stopped heartbeating (crashed without a clean shutdown). */
@Injectable()
export class NodePruner extends PeriodicDuty {
  readonly name = 'node-pruner';
  protected readonly logger = new Logger('NodePruner');

  constructor(
    private readonly nodes: SchedulerNodesRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected intervalMs(): number {
    return this.config.nodeExpiryMs / 2;
  }

  async runOnce(): Promise<number> {
    const removed = await this.nodes.pruneSilentSince(new Date(this.clock.now().getTime() - this.config.nodeExpiryMs));
    if (removed > 0) this.logger.log(`Pruned ${removed} silent node(s)`);
    return removed;
  }
}
