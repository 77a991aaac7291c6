import { Injectable } from '@nestjs/common';
import type { ClusterDto } from '@baton/protocol';
import { AppConfig } from '../../config/app-config.js';
import { LeaderLeaseRepository } from './leader-lease.repository.js';
import { SchedulerNodesRepository } from './scheduler-nodes.repository.js';

@Injectable()
export class ClusterService {
  constructor(
    private readonly lease: LeaderLeaseRepository,
    private readonly nodes: SchedulerNodesRepository,
    private readonly config: AppConfig,
  ) {}

  async describe(): Promise<ClusterDto> {
    const [lease, nodes] = await Promise.all([this.lease.read(), this.nodes.list()]);
    const live = lease.holder !== null && lease.expiresAt !== null && lease.expiresAt > lease.now;
    const aliveSince = lease.now.getTime() - this.config.nodeExpiryMs;
    return {
      leader: live ? { nodeId: lease.holder!, epoch: lease.epoch, acquiredAt: lease.acquiredAt!.toISOString(), expiresAt: lease.expiresAt!.toISOString() } : null,
      epoch: lease.epoch,
      nodes: nodes.map((n) => ({
        id: n.id,
        advertiseUrl: n.advertiseUrl,
        version: n.version,
        hostname: n.hostname,
        pid: n.pid,
        startedAt: n.startedAt.toISOString(),
        lastHeartbeatAt: n.lastHeartbeatAt.toISOString(),
        alive: n.lastHeartbeatAt.getTime() >= aliveSince,
        leader: live && lease.holder === n.id,
      })),
      databaseTime: lease.now.toISOString(),
    };
  }
}
