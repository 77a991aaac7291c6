import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { PeriodicDuty } from '../scheduler/periodic-duty.js';
import { ExecutorsRepository } from './executors.repository.js';

/** Leader duty: executor instances that stopped heartbeating go OFFLINE, and are forgotten later. */
@Injectable()
export class ExecutorReaper extends PeriodicDuty {
  readonly name = 'executor-reaper';
  protected readonly logger = new Logger('ExecutorReaper');

  constructor(
    private readonly executors: ExecutorsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected intervalMs(): number {
    return Math.max(500, this.config.executorExpiryMs / 3);
  }

  async runOnce(): Promise<void> {
    const now = this.clock.now().getTime();
    await this.executors.markSilentOffline(new Date(now - this.config.executorExpiryMs), new Date(now));
    await this.executors.deleteSilentSince(new Date(now - 10 * this.config.executorExpiryMs));
  }
}
