import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { PeriodicTask } from '../../common/periodic-task.js';
import { AppConfig } from '../../config/app-config.js';
import type { LeaderDuty } from '../scheduler/leader-duty.js';
import { ExecutorsRepository } from './executors.repository.js';

/** Leader duty: executor instances that stopped heartbeating go OFFLINE, and are forgotten later. */
@Injectable()
export class ExecutorReaper implements LeaderDuty {
  readonly name = 'executor-reaper';
  private readonly logger = new Logger('ExecutorReaper');
  private readonly task: PeriodicTask;

  constructor(
    private readonly executors: ExecutorsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.task = new PeriodicTask(this.name, () => Math.max(500, config.executorExpiryMs / 3), () => this.reap(), this.logger);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  async reap(): Promise<void> {
    const now = this.clock.now().getTime();
    await this.executors.markSilentOffline(new Date(now - this.config.executorExpiryMs), new Date(now));
    await this.executors.deleteSilentSince(new Date(now - 10 * this.config.executorExpiryMs));
  }
}
