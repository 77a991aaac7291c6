import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isId } from '../../common/http/id-params.js';
import type { ResourceKind } from '../auth/route-policy.js';

/** Finds the app a resource belongs to, for access checks. Point reads on primary or unique keys. */
@Injectable()
export class ResourceAppsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The app id, or null when the reference is malformed or names nothing (the handler then answers 400/404). */
  appIdOf(kind: ResourceKind, ref: string): Promise<string | null> {
    switch (kind) {
      case 'app':
        return this.first(isId(ref) ? 'SELECT id AS app_id FROM apps WHERE id = ?' : 'SELECT id AS app_id FROM apps WHERE name = ?', [ref]);
      case 'job':
        return this.jobAppId(ref);
      case 'run':
        return isId(ref) ? this.first('SELECT app_id FROM runs WHERE id = ?', [ref]) : Promise.resolve(null);
      case 'executor':
        return ref.length <= 64 ? this.first('SELECT app_id FROM executor_instances WHERE id = ?', [ref]) : Promise.resolve(null);
    }
  }

  /** A job key `app:name` names its app directly; an id needs the job row. */
  private jobAppId(ref: string): Promise<string | null> {
    if (isId(ref)) return this.first('SELECT app_id FROM jobs WHERE id = ?', [ref]);
    const colon = ref.indexOf(':');
    if (colon <= 0) return Promise.resolve(null);
    return this.first('SELECT id AS app_id FROM apps WHERE name = ?', [ref.slice(0, colon)]);
  }

  private async first(sql: string, params: unknown[]): Promise<string | null> {
    const rows = (await this.dataSource.query(sql, params)) as { app_id: string | number }[];
    return rows.length > 0 ? String(rows[0]!.app_id) : null;
  }
}
