import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { createDataSource } from './data-source.js';
import { DatabaseInfo } from './database-info.js';
import { inspectServer, migrateDatabase } from './migrator.js';

/** Provides the migrated, connected DataSource to the repositories. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DatabaseInfo,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            if (config.migrateOnStart) await migrateDatabase(config.databaseUrl);
            const server = await inspectServer(config.databaseUrl);
            return new DatabaseInfo(server.flavor, server.autoIncLockMode !== 2);
          },
        },
        {
          provide: DataSource,
          inject: [AppConfig, DatabaseInfo],
          useFactory: async (config: AppConfig, info: DatabaseInfo) => {
            const flavor = info.flavor;
            const ds = createDataSource({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, flavor });
            await ds.initialize();
            new Logger('Database').log(`Connected to ${flavor} at ${new URL(config.databaseUrl).host}`);
            return ds;
          },
        },
      ],
      exports: [DataSource, DatabaseInfo],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
