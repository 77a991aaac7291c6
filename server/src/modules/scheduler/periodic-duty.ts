import type { Logger } from '@nestjs/common';
import { PeriodicTask } from '../../common/periodic-task.js';
import { LeaseLostError, type LeaderDuty, type LeaderTerm } from './leader-duty.js';

/**
 * A leader duty that runs one pass every interval while this node leads. A pass that finds the
 * lease gone (LeaseLostError from a fenced write) reports it, and leadership steps down.
 */
export abstract class PeriodicDuty implements LeaderDuty {
  abstract readonly name: string;
  protected abstract readonly logger: Logger;
  private task: PeriodicTask | null = null;

  /** The pause between the end of one pass and the start of the next. */
  protected abstract intervalMs(): number;

  /** One pass, fenced by `term`. */
  abstract runOnce(term: Pick<LeaderTerm, 'nodeId' | 'epoch'>): Promise<unknown>;

  start(term: LeaderTerm): void {
    this.task = new PeriodicTask(this.name, () => this.intervalMs(), () => this.guarded(term), this.logger);
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
  }

  private async guarded(term: LeaderTerm): Promise<void> {
    try {
      await this.runOnce(term);
    } catch (error) {
      if (error instanceof LeaseLostError) term.reportLost(error.message);
      else throw error;
    }
  }
}
