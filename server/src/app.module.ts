import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from './common/clock.js';
import { AppConfig } from './config/app-config.js';
import { DatabaseModule } from './database/database.module.js';
import { AccessModule } from './modules/access/access.module.js';
import { AlertsModule } from './modules/alerts/alerts.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { AppsModule } from './modules/apps/apps.module.js';
import { ChildrenModule } from './modules/children/children.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { JobsModule } from './modules/jobs/jobs.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { RetriesModule } from './modules/retries/retries.module.js';
import { RunsApiModule } from './modules/runs/runs-api.module.js';
import { TriggersModule } from './modules/triggers/triggers.module.js';
import { SchedulerModule } from './modules/scheduler/scheduler.module.js';
import { SchedulesModule } from './modules/schedules/schedules.module.js';
import { StatsModule } from './modules/stats/stats.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  clock?: Clock;
}

/** Config and clock, available to every module. */
@Global()
@Module({})
class CoreModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: AppConfig, useValue: opts.config },
        { provide: Clock, useValue: opts.clock ?? new SystemClock() },
      ],
      exports: [AppConfig, Clock],
    };
  }
}

/** The table of contents of the server: one module per domain. */
@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(opts), DatabaseModule.forRoot(), AuditModule, AuthModule, AccessModule, MetricsModule, HealthModule, AppsModule, SchedulesModule, JobsModule, SchedulerModule, RunsApiModule, RetriesModule, TriggersModule, ChildrenModule, AlertsModule, StatsModule],
    };
  }
}
