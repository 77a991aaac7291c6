import { Entity, Index } from 'typeorm';
import type { ChildTriggerCondition } from '@baton/protocol';
import { RefColumn, TimeColumn, VarcharColumn } from '../../database/columns.js';

@Entity('job_dependencies')
@Index('idx_job_dependencies_child', ['childJobId'])
export class JobDependencyEntity {
  @RefColumn({ primary: true }) parentJobId: string;
  @RefColumn({ primary: true }) childJobId: string;
  @VarcharColumn(16) triggerOn: ChildTriggerCondition;
  @TimeColumn() createdAt: Date;
}
