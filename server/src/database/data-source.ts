import { DataSource } from 'typeorm';
import type { DatabaseFlavor } from './migrator.js';
import { parseDatabaseUrl } from './database-url.js';
import { ENTITIES } from './entities.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export interface DataSourceOptions {
  databaseUrl: string;
  flavor: DatabaseFlavor;
  poolSize: number;
}

/** The TypeORM data source. The schema comes from sql/ (never `synchronize`). */
export function createDataSource(opts: DataSourceOptions): DataSource {
  const conn = parseDatabaseUrl(opts.databaseUrl);
  return new DataSource({
    type: opts.flavor,
    host: conn.host,
    port: conn.port,
    username: conn.user,
    password: conn.password,
    database: conn.database,
    entities: ENTITIES,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectionLimit: opts.poolSize, enableKeepAlive: true },
    logging: false,
  });
}
