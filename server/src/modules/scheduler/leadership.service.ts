import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { PeriodicTask, withTimeout } from '../../common/periodic-task.js';
import { AppConfig } from '../../config/app-config.js';
import { BatonMetrics } from '../metrics/baton-metrics.js';
import { LeaderLeaseRepository } from './leader-lease.repository.js';
import { LEADER_DUTIES, type LeaderDuty, type LeaderTerm } from './leader-duty.js';

export type Role = { role: 'follower' } | { role: 'leader'; epoch: string; since: Date };

/**
 * Leader election over the lease row. Every node tries to claim the lease each renew interval;
 * the holder renews it. Fail closed: the leader steps down when a renewal fails, and a watchdog
 * on the monotonic clock steps it down before the lease can have expired, even if a database
 * call hangs. Duties start on takeover and stop on step-down.
 */
@Injectable()
export class LeadershipService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Leadership');
  private readonly task: PeriodicTask;
  private current: Role = { role: 'follower' };
  private watchdog: NodeJS.Timeout | null = null;
  /** Serializes takeovers and step-downs so duties never start and stop concurrently. */
  private transition: Promise<void> = Promise.resolve();
  private shuttingDown = false;

  constructor(
    private readonly lease: LeaderLeaseRepository,
    private readonly config: AppConfig,
    @Inject(LEADER_DUTIES) private readonly duties: LeaderDuty[],
    private readonly metrics: BatonMetrics,
  ) {
    this.task = new PeriodicTask('leader election', () => this.config.leaderRenewIntervalMs, () => this.claimOnce(), this.logger);
    this.metrics.leader.set({ node: config.nodeId }, 0);
    this.metrics.leaderEpoch.set({ node: config.nodeId }, 0);
  }

  get role(): Role {
    return this.current;
  }

  isLeader(): boolean {
    return this.current.role === 'leader';
  }

  onApplicationBootstrap(): void {
    if (this.config.schedulerEnabled) this.task.start();
    else this.logger.log('SCHEDULER_ENABLED=false: this node serves the API only and never leads');
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.task.stop();
    const was = this.current;
    await this.stepDown('shutting down');
    // Hand over at once instead of making the others wait out the TTL.
    if (was.role === 'leader') await this.lease.release(this.config.nodeId, was.epoch).catch(() => undefined);
  }

  /** One election round; public so tests can drive it. */
  async claimOnce(): Promise<void> {
    if (this.shuttingDown) return;
    const startedAt = performance.now();
    const ttl = this.config.leaderLeaseTtlMs;
    let outcome;
    try {
      const held = this.current.role === 'leader' ? this.current.epoch : null;
      outcome = await withTimeout(this.lease.claim(this.config.nodeId, ttl, held), Math.max(100, this.config.leaderRenewIntervalMs), 'lease claim');
    } catch (error) {
      if (this.isLeader()) await this.stepDown(`lease renewal failed: ${(error as Error).message}`);
      return;
    }
    if (outcome.kind === 'held-by-other') {
      if (this.isLeader()) await this.stepDown(`lease is held by ${outcome.holder} (epoch ${outcome.epoch})`);
      return;
    }
    // The lease runs for ttl from a moment after startedAt; trusting it until startedAt + ttl - margin is safe.
    this.armWatchdog(startedAt + ttl - this.safetyMarginMs());
    const cur = this.current;
    if (cur.role === 'leader' && cur.epoch === outcome.epoch) return;
    if (cur.role === 'leader') await this.stepDown(`term ${cur.epoch} ended`);
    await this.takeOver(outcome.epoch);
  }

  private safetyMarginMs(): number {
    return Math.max(200, Math.floor(this.config.leaderLeaseTtlMs / 5));
  }

  private armWatchdog(deadline: number): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => void this.stepDown('lease not renewed in time'), Math.max(0, deadline - performance.now()));
    this.watchdog.unref?.();
  }

  private takeOver(epoch: string): Promise<void> {
    return this.serialized(async () => {
      if (this.shuttingDown) return;
      this.current = { role: 'leader', epoch, since: new Date() };
      this.metrics.leader.set({ node: this.config.nodeId }, 1);
      this.metrics.leaderEpoch.set({ node: this.config.nodeId }, Number(epoch));
      this.logger.log(`Node ${this.config.nodeId} is now the leader (epoch ${epoch})`);
      const term: LeaderTerm = {
        nodeId: this.config.nodeId,
        epoch,
        reportLost: (reason) => void this.stepDown(reason, epoch),
      };
      for (const duty of this.duties) duty.start(term);
    });
  }

  /** Stops every duty; with `onlyEpoch`, only if that term is still the current one. */
  private stepDown(reason: string, onlyEpoch?: string): Promise<void> {
    return this.serialized(async () => {
      const cur = this.current;
      if (cur.role !== 'leader' || (onlyEpoch !== undefined && cur.epoch !== onlyEpoch)) return;
      this.current = { role: 'follower' };
      this.metrics.leader.set({ node: this.config.nodeId }, 0);
      if (this.watchdog) clearTimeout(this.watchdog);
      this.watchdog = null;
      this.logger.warn(`Node ${this.config.nodeId} steps down from epoch ${cur.epoch}: ${reason}`);
      await Promise.all(this.duties.map((d) => d.stop().catch((e: unknown) => this.logger.error(`stopping ${d.name}: ${String(e)}`))));
    });
  }

  private serialized(fn: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(fn, fn);
    return this.transition;
  }
}
