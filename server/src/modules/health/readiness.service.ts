import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTimeout } from '../../common/periodic-task.js';
import { AppConfig } from '../../config/app-config.js';
import { DatabaseInfo } from '../../database/database-info.js';
import { SchemaMigrationEntity } from '../../database/schema-migration.entity.js';
import { readMigrations, sqliteSqlDir } from '../../database/sql-files.js';
import { SchedulerNodeEntity } from '../scheduler/scheduler-node.entity.js';
import { NodeHeartbeat } from '../scheduler/node-heartbeat.js';

export type CheckName = 'database' | 'schema' | 'node';
/** 'ok', or what is wrong. */
export type Checks = Record<CheckName, string>;

/** A probe answers within this, whatever the database does. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * What /readyz checks, each on its own so a failure names exactly what is wrong:
 * - database: it answers a statement;
 * - schema: the database is at this server's schema, i.e. the highest version recorded in
 *   schema_migrations equals the highest file in sql/migrations/ (sql/sqlite/migrations/ on
 *   SQLite; none applied when there are none, but the table must exist). Behind means migrations are pending (MIGRATE_ON_START=false
 *   and nobody applied them); ahead means this server is older than the schema (a rolling upgrade
 *   migrated it), and it should not take traffic either;
 * - node: this node wrote its scheduler_nodes row (its heartbeat ran once it knew its address)
 *   and the row is still there, so executors are told to connect to it.
 */
@Injectable()
export class ReadinessService {
  /** Read once: the files ship with the server and do not change while it runs. */
  private readonly expectedVersion: number | null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly heartbeat: NodeHeartbeat,
    private readonly config: AppConfig,
    info: DatabaseInfo,
  ) {
    this.expectedVersion = readMigrations(info.engine === 'sqlite' ? sqliteSqlDir() : undefined).at(-1)?.version ?? null;
  }

  async check(): Promise<{ ready: boolean; checks: Checks }> {
    const [database, schema, node] = await Promise.all([
      this.run('database', () => this.database()),
      this.run('schema', () => this.schema()),
      this.run('node', () => this.node()),
    ]);
    const checks: Checks = { database, schema, node };
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  }

  private async run(name: CheckName, fn: () => Promise<string>): Promise<string> {
    try {
      return await withTimeout(fn(), CHECK_TIMEOUT_MS, `the ${name} check`);
    } catch (error) {
      return `failed: ${(error as Error).message}`;
    }
  }

  private async database(): Promise<string> {
    await this.dataSource.query('SELECT 1');
    return 'ok';
  }

  private async schema(): Promise<string> {
    let applied: number | null;
    try {
      const max = await this.dataSource.getRepository(SchemaMigrationEntity).maximum('version');
      applied = max === null ? null : Number(max);
    } catch (error) {
      if (isMissingTable(error)) return 'failed: the schema_migrations table is missing (the schema was never applied)';
      throw error;
    }
    if (applied === this.expectedVersion) return 'ok';
    const have = applied === null ? 'no migration' : `migration ${applied}`;
    const want = this.expectedVersion === null ? 'none' : `migration ${this.expectedVersion}`;
    const newer = applied !== null && (this.expectedVersion === null || applied > this.expectedVersion);
    return `failed: the database has ${have} applied, this server expects ${want} (${newer ? 'the database is newer than this server' : 'migrations are pending'})`;
  }

  private async node(): Promise<string> {
    if (!this.heartbeat.hasRegistered) return 'failed: this node has not registered in scheduler_nodes yet';
    const registered = await this.dataSource.getRepository(SchedulerNodeEntity).existsBy({ id: this.config.nodeId });
    return registered ? 'ok' : 'failed: this node\'s scheduler_nodes row is gone (pruned as silent?); its next heartbeat writes it again';
  }
}

/** MySQL names the error; SQLite reports a generic SQLITE_ERROR with "no such table: …". */
function isMissingTable(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; message?: string } }).driverError;
  if (driverError?.code === 'ER_NO_SUCH_TABLE') return true;
  return driverError?.code === 'SQLITE_ERROR' && (driverError.message ?? '').startsWith('no such table');
}
