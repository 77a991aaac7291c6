import { Injectable } from '@nestjs/common';
import type { KillReason } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import type { RunEntity } from '../runs/run.entity.js';
import { RunsRepository } from '../runs/runs.repository.js';
import { ExecutorRegistry } from './executor-registry.js';

/**
 * Asks a running run's executor to abort it. The request is recorded on the run (so the leader
 * ends the run after KILL_GRACE_MS even if the handler ignores the abort), and the kill message
 * goes out over this node's socket to that executor when it has one (every node usually does).
 */
@Injectable()
export class RunKiller {
  constructor(
    private readonly runs: RunsRepository,
    private readonly registry: ExecutorRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async kill(run: RunEntity, reason: KillReason): Promise<void> {
    await this.runs.requestKill(run.id, this.clock.now());
    this.send(run, reason);
  }

  /** Sends (or re-sends: executors ignore repeats) the kill message; false when the executor is not connected here. */
  send(run: Pick<RunEntity, 'id' | 'attempt' | 'executorId'>, reason: KillReason): boolean {
    const executor = run.executorId ? this.registry.get(run.executorId) : undefined;
    if (!executor) return false;
    executor.socket.emit('run.kill.v1', { runId: run.id, attempt: run.attempt, reason, graceMs: this.config.killGraceMs });
    return true;
  }
}
