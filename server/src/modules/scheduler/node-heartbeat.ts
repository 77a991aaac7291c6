import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { Clock } from '../../common/clock.js';
import { PeriodicTask } from '../../common/periodic-task.js';
import { AppConfig } from '../../config/app-config.js';
import { SERVER_VERSION } from '../../version.js';
import { SchedulerNodesRepository } from './scheduler-nodes.repository.js';

/** Every node (leader or not) keeps its row in scheduler_nodes fresh, and removes it on shutdown. */
@Injectable()
export class NodeHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('NodeHeartbeat');
  private readonly task: PeriodicTask;
  private readonly startedAt: Date;
  private registered = false;

  constructor(
    private readonly nodes: SchedulerNodesRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.startedAt = clock.now();
    this.task = new PeriodicTask('node heartbeat', () => config.nodeHeartbeatIntervalMs, () => this.beat(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** Whether this node has written its row at least once (readiness); false again once it shuts down. */
  get hasRegistered(): boolean {
    return this.registered;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
    this.registered = false;
    await this.nodes.remove(this.config.nodeId).catch(() => undefined);
  }

  async beat(): Promise<void> {
    // Executors connect to what nodes advertise; a node on PORT=0 joins once it knows its port.
    if (!this.config.advertiseUrlKnown) return;
    await this.nodes.heartbeat({
      id: this.config.nodeId,
      advertiseUrl: this.config.advertiseUrl,
      version: SERVER_VERSION,
      hostname: hostname().slice(0, 255),
      pid: process.pid,
      startedAt: this.startedAt,
      lastHeartbeatAt: this.clock.now(),
    });
    this.registered = true;
  }
}
