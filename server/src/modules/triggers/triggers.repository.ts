import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseInfo } from '../../database/database-info.js';
import { isDuplicateKey } from '../../database/sql-errors.js';
import { RunEntity } from '../runs/run.entity.js';

export interface NewTriggeredRun {
  jobId: string;
  appId: string;
  triggerType: 'API' | 'MANUAL';
  scheduledAt: Date;
  shardIndex: number;
  shardTotal: number;
  params: string | null;
  idempotencyKey: string | null;
}

export type InsertResult = { kind: 'created'; run: RunEntity } | { kind: 'existing'; run: RunEntity };

const COLUMNS = ['job_id', 'app_id', 'trigger_type', 'status', 'scheduled_at', 'shard_index', 'shard_total', 'params', 'idempotency_key', 'created_at', 'updated_at'];

@Injectable()
export class TriggersRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly info: DatabaseInfo,
  ) {}

  /**
   * Inserts requested runs as SCHEDULED rows in one statement (a durable outbox entry: it
   * survives restarts and is dispatched when due). A run whose idempotency key the job already
   * used is not inserted; the existing run is returned in its place.
   */
  async insertMany(runs: NewTriggeredRun[], now: Date): Promise<InsertResult[]> {
    try {
      return await this.insertChecked(runs, now);
    } catch (error) {
      // Another caller used one of the keys between our check and our insert: settle each alone.
      if (!isDuplicateKey(error, 'uq_runs_idempotency')) throw error;
      const results: InsertResult[] = [];
      for (const r of runs) results.push(await this.insertOne(r, now));
      return results;
    }
  }

  /**
   * One run, after a batch met a key taken meanwhile. Its key is looked up by the database, whose
   * collation decides which keys are equal (case-insensitive on both engines, and more on MySQL).
   */
  private async insertOne(run: NewTriggeredRun, now: Date): Promise<InsertResult> {
    try {
      const [result] = await this.insertChecked([run], now);
      return result!;
    } catch (error) {
      if (!isDuplicateKey(error, 'uq_runs_idempotency')) throw error;
      const existing = await this.dataSource.getRepository(RunEntity).findOneBy({ jobId: run.jobId, idempotencyKey: run.idempotencyKey! });
      if (!existing) throw error;
      return { kind: 'existing', run: existing };
    }
  }

  private async insertChecked(runs: NewTriggeredRun[], now: Date): Promise<InsertResult[]> {
    const keyed = runs.filter((r) => r.idempotencyKey !== null);
    const existing = await this.byKeys(keyed);
    const fresh = runs.filter((r) => r.idempotencyKey === null || !existing.has(keyOf(r)));
    // Keys repeated within one batch: the first occurrence is inserted, the others get it back.
    const seen = new Set<string>();
    const toInsert = fresh.filter((r) => r.idempotencyKey === null || (!seen.has(keyOf(r)) && seen.add(keyOf(r))));
    const inserted = toInsert.length ? await this.insertRows(toInsert, now) : [];
    const created = new Map<NewTriggeredRun, RunEntity>(toInsert.map((r, i) => [r, inserted[i]!]));
    const byKey = new Map([...existing, ...[...created].filter(([r]) => r.idempotencyKey).map(([r, run]) => [keyOf(r), run] as const)]);
    return runs.map((r) => (created.has(r) ? { kind: 'created', run: created.get(r)! } : { kind: 'existing', run: byKey.get(keyOf(r))! }));
  }

  private insertRows(rows: NewTriggeredRun[], now: Date): Promise<RunEntity[]> {
    const tuple = `(${COLUMNS.map(() => '?').join(', ')})`;
    const valuesOf = (r: NewTriggeredRun) => [r.jobId, r.appId, r.triggerType, 'SCHEDULED', r.scheduledAt, r.shardIndex, r.shardTotal, r.params, r.idempotencyKey, now, now];
    return this.dataSource.transaction(async (m) => {
      let ids: string[];
      if (this.info.consecutiveBatchIds) {
        // One multi-row INSERT: its rows get consecutive ids from insertId (see DatabaseInfo). On
        // SQLite too: one writer at a time, and insertId is normalized to the first id (SqliteValues).
        const result = await m.query(`INSERT INTO runs (${COLUMNS.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`, rows.flatMap(valuesOf));
        const first = BigInt(result.insertId);
        ids = rows.map((_, i) => (first + BigInt(i)).toString());
      } else {
        ids = [];
        for (const r of rows) ids.push(String((await m.query(`INSERT INTO runs (${COLUMNS.join(', ')}) VALUES ${tuple}`, valuesOf(r))).insertId));
      }
      const found = await m.getRepository(RunEntity).createQueryBuilder('r').where('r.id IN (:...ids)', { ids }).getMany();
      const byId = new Map(found.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id)!);
    });
  }

  /** The runs already holding these keys, by keyOf. One `IN` per job (a chain of ORs would pass SQLite's expression depth limit of 1,000). */
  private async byKeys(rows: NewTriggeredRun[]): Promise<Map<string, RunEntity>> {
    const keysByJob = new Map<string, string[]>();
    for (const r of rows) keysByJob.set(r.jobId, [...(keysByJob.get(r.jobId) ?? []), r.idempotencyKey!]);
    const found: RunEntity[] = [];
    for (const [jobId, keys] of keysByJob) {
      found.push(...(await this.dataSource.getRepository(RunEntity).createQueryBuilder('r').where('r.job_id = :jobId AND r.idempotency_key IN (:...keys)', { jobId, keys }).getMany()));
    }
    return new Map(found.map((run) => [keyOf(run), run]));
  }
}

/** Idempotency keys compare case-insensitively: the column's collation does so on both engines. */
const keyOf = (r: { jobId: string; idempotencyKey: string | null }) => `${r.jobId}\u0000${r.idempotencyKey!.toLowerCase()}`;
