import { Injectable } from '@nestjs/common';
import { DataSource, LessThan, type Repository } from 'typeorm';
import { SchedulerNodeEntity } from './scheduler-node.entity.js';

@Injectable()
export class SchedulerNodesRepository {
  private readonly nodes: Repository<SchedulerNodeEntity>;

  constructor(dataSource: DataSource) {
    this.nodes = dataSource.getRepository(SchedulerNodeEntity);
  }

  /** Inserts or refreshes this node's row. */
  async heartbeat(node: SchedulerNodeEntity): Promise<void> {
    await this.nodes.upsert(node, ['id']);
  }

  list(): Promise<SchedulerNodeEntity[]> {
    return this.nodes.find({ order: { id: 'ASC' } });
  }

  /** Deletes nodes silent since `cutoff`; returns how many. */
  async pruneSilentSince(cutoff: Date): Promise<number> {
    const result = await this.nodes.delete({ lastHeartbeatAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  async remove(id: string): Promise<void> {
    await this.nodes.delete({ id });
  }
}
