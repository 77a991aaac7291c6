import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { createDataSource } from './data-source.js';
import { DatabaseInfo } from './database-info.js';
import { databaseTarget } from './database-url.js';
import { inspectServer, migrateDatabase } from './migrator.js';
import { openSqliteDataSource } from './sqlite-data-source.js';
import { migrateSqlite } from './sqlite-migrator.js';

/** Provides the migrated, connected DataSource to the repositories, on MySQL/MariaDB or SQLite. */
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
            if (databaseTarget(config.databaseUrl).engine === 'sqlite') return new DatabaseInfo('sqlite', true);
            if (config.migrateOnStart) await migrateDatabase(config.databaseUrl);
            const server = await inspectServer(config.databaseUrl);
            return new DatabaseInfo(server.flavor, server.autoIncLockMode !== 2);
          },
        },
        {
          provide: DataSource,
          inject: [AppConfig, DatabaseInfo],
          useFactory: (config: AppConfig, info: DatabaseInfo) => connect(config, info),
        },
      ],
      exports: [DataSource, DatabaseInfo],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

async function connect(config: AppConfig, info: DatabaseInfo): Promise<DataSource> {
  const logger = new Logger('Database');
  const target = databaseTarget(config.databaseUrl);
  if (target.engine === 'sqlite') {
    const ds = await openSqliteDataSource({ file: target.file, migrate: config.migrateOnStart ? (db) => migrateSqlite(db) : undefined });
    logger.log(`Embedded SQLite database at ${target.file}: one server node only; set DATABASE_URL=mysql://… for production and clusters`);
    return ds;
  }
  const ds = createDataSource({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, flavor: info.flavor as 'mysql' | 'mariadb' });
  await ds.initialize();
  logger.log(`Connected to ${info.flavor} at ${target.connection.host}:${target.connection.port}`);
  return ds;
}
