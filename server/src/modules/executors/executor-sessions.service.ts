import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { EXECUTOR_PROTOCOL_VERSION, type ExecutorHandshake, type HeartbeatMessage, type ServerNodeRef } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { PeriodicTask } from '../../common/periodic-task.js';
import { AppConfig } from '../../config/app-config.js';
import type { AppEntity } from '../apps/app.entity.js';
import { RunReportsService } from '../runs/run-reports.service.js';
import { ExecutorRegistry, type ExecutorSocket } from './executor-registry.js';
import { ExecutorsRepository } from './executors.repository.js';

/**
 * The life of executor connections on this node: registering them (in memory and in
 * executor_instances), greeting them with the list of server nodes, renewing on heartbeats,
 * and announcing when the set of server nodes changes.
 */
@Injectable()
export class ExecutorSessions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ExecutorSessions');
  private namespace: Namespace | null = null;
  private nodes: ServerNodeRef[] = [];
  private readonly announcer: PeriodicTask;

  constructor(
    private readonly registry: ExecutorRegistry,
    private readonly executors: ExecutorsRepository,
    private readonly reports: RunReportsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.announcer = new PeriodicTask('node announcer', () => Math.min(5_000, config.nodeHeartbeatIntervalMs * 2), () => this.announceNodes(), this.logger);
  }

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  onApplicationBootstrap(): void {
    this.announcer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.announcer.stop();
  }

  async connected(socket: ExecutorSocket, hs: ExecutorHandshake, app: AppEntity): Promise<void> {
    const now = this.clock.now();
    this.registry.add({
      instanceId: hs.instanceId,
      appId: app.id,
      appName: app.name,
      handlers: new Set(hs.handlers),
      concurrency: hs.concurrency,
      labels: hs.labels,
      hostname: hs.hostname,
      connectedAt: now.getTime(),
      socket,
      inFlight: new Set(),
      unanswered: new Set(),
      full: false,
      draining: false,
    });
    socket.emit('hello.v1', {
      nodeId: this.config.nodeId,
      protocol: EXECUTOR_PROTOCOL_VERSION,
      nodes: this.nodes.length > 0 ? this.nodes : [{ id: this.config.nodeId, url: this.config.advertiseUrl }],
      heartbeatIntervalMs: this.config.executorHeartbeatIntervalMs,
      runLeaseMs: this.config.runLeaseMs,
    });
    await this.executors
      .upsertOnline({
        id: hs.instanceId,
        appId: app.id,
        hostname: hs.hostname,
        pid: hs.pid,
        sdkVersion: hs.sdkVersion,
        handlers: JSON.stringify(hs.handlers),
        concurrency: hs.concurrency,
        labels: JSON.stringify(hs.labels),
        nodeId: this.config.nodeId,
        status: 'ONLINE',
        inFlight: 0,
        connectedAt: now,
        lastHeartbeatAt: now,
        disconnectedAt: null,
      })
      .catch((e: unknown) => this.logger.error(`recording executor ${hs.instanceId}: ${(e as Error).message}`));
  }

  disconnected(socket: ExecutorSocket, instanceId: string): void {
    this.registry.remove(instanceId, socket.id);
  }

  async heartbeat(instanceId: string, msg: HeartbeatMessage): Promise<void> {
    this.registry.replaceInFlight(
      instanceId,
      msg.inFlight.map((r) => r.runId),
      msg.draining,
    );
    await Promise.all([this.reports.heartbeat(instanceId, msg), this.executors.heartbeat(instanceId, msg.inFlight.length, this.clock.now())]);
  }

  runDone(instanceId: string, runId: string): void {
    this.registry.markDone(instanceId, runId);
  }

  private async announceNodes(): Promise<void> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.nodeExpiryMs);
    const nodes = await this.executors.liveServerNodes(cutoff);
    if (JSON.stringify(nodes) === JSON.stringify(this.nodes)) return;
    this.nodes = nodes;
    this.namespace?.emit('cluster.nodes.v1', { nodes });
  }
}
