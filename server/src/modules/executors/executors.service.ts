import { Injectable } from '@nestjs/common';
import type { ExecutorInstanceDto } from '@baton/protocol';
import { DomainError } from '../../common/errors/domain-error.js';
import { AppsService } from '../apps/apps.service.js';
import { ExecutorRegistry } from './executor-registry.js';
import { ExecutorsRepository } from './executors.repository.js';
import { visibleAppIds, type AppScope } from '../auth/principal.js';

@Injectable()
export class ExecutorsService {
  constructor(
    private readonly executors: ExecutorsRepository,
    private readonly apps: AppsService,
    private readonly registry: ExecutorRegistry,
  ) {}

  /**
   * Tells an instance to stop taking new runs (before maintenance or a deploy); its running ones
   * finish. The instance tells every node through its heartbeats, so any node can be asked.
   */
  drain(instanceId: string): { instanceId: string; draining: true } {
    const executor = this.registry.get(instanceId);
    if (!executor) throw new DomainError('EXECUTOR_NOT_CONNECTED', `Executor instance "${instanceId.slice(0, 64)}" is not connected to this node.`);
    executor.socket.emit('drain.v1', {});
    this.registry.setDraining(instanceId);
    return { instanceId, draining: true };
  }

  async list(appRef: string | undefined, scope: AppScope): Promise<ExecutorInstanceDto[]> {
    const appId = appRef ? (await this.apps.resolve(appRef)).id : undefined;
    const rows = await this.executors.list(appId, visibleAppIds(scope));
    const names = await this.apps.namesByIds(rows.map((r) => r.appId));
    return rows.map((r) => ({
      id: r.id,
      app: names.get(r.appId) ?? r.appId,
      appId: r.appId,
      hostname: r.hostname,
      pid: r.pid,
      sdkVersion: r.sdkVersion,
      handlers: JSON.parse(r.handlers) as string[],
      concurrency: r.concurrency,
      labels: JSON.parse(r.labels) as Record<string, string>,
      status: r.status === 'ONLINE' ? 'ONLINE' : 'OFFLINE',
      // Executors keep a socket to every node, so this node's registry knows: no column needed.
      draining: r.status === 'ONLINE' && this.registry.get(r.id)?.draining === true,
      inFlight: r.inFlight,
      connectedAt: r.connectedAt.toISOString(),
      lastHeartbeatAt: r.lastHeartbeatAt.toISOString(),
    }));
  }
}
