import { AlertChannelEntity } from '../modules/alerts/alert-channel.entity.js';
import { AlertEntity } from '../modules/alerts/alert.entity.js';
import { JobAlertChannelEntity } from '../modules/alerts/job-alert-channel.entity.js';
import { AppEntity } from '../modules/apps/app.entity.js';
import { AuditLogEntity } from '../modules/audit/audit-log.entity.js';
import { ApiKeyAppEntity } from '../modules/auth/api-key-app.entity.js';
import { ApiKeyEntity } from '../modules/auth/api-key.entity.js';
import { LoginAttemptEntity } from '../modules/auth/login-attempt.entity.js';
import { SessionEntity } from '../modules/auth/session.entity.js';
import { SetupTokenEntity } from '../modules/auth/setup-token.entity.js';
import { UserAppGrantEntity } from '../modules/auth/user-app-grant.entity.js';
import { UserEntity } from '../modules/auth/user.entity.js';
import { ExecutorInstanceEntity } from '../modules/executors/executor-instance.entity.js';
import { JobDependencyEntity } from '../modules/jobs/job-dependency.entity.js';
import { JobEntity } from '../modules/jobs/job.entity.js';
import { RunLogChunkEntity } from '../modules/runs/run-log-chunk.entity.js';
import { RunEntity } from '../modules/runs/run.entity.js';
import { SchedulerLeaseEntity } from '../modules/scheduler/scheduler-lease.entity.js';
import { SchedulerNodeEntity } from '../modules/scheduler/scheduler-node.entity.js';
import { RunStatsHourlyEntity } from '../modules/stats/run-stats-hourly.entity.js';
import { SchemaMigrationEntity } from './schema-migration.entity.js';

/** Every table in sql/schema.sql has exactly one entity here (the schema test checks). */
export const ENTITIES = [
  SchemaMigrationEntity,
  AppEntity,
  JobEntity,
  JobDependencyEntity,
  RunEntity,
  RunLogChunkEntity,
  ExecutorInstanceEntity,
  SchedulerNodeEntity,
  SchedulerLeaseEntity,
  UserEntity,
  UserAppGrantEntity,
  SessionEntity,
  SetupTokenEntity,
  LoginAttemptEntity,
  ApiKeyEntity,
  ApiKeyAppEntity,
  AuditLogEntity,
  RunStatsHourlyEntity,
  AlertChannelEntity,
  JobAlertChannelEntity,
  AlertEntity,
];
