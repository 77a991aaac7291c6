import type { DataSource } from 'typeorm';
import { engineOf } from '../../database/sql-dialect.js';

/**
 * A `DELETE` of at most `?` (the last parameter) rows of `table` matching `where` (in `order`
 * when given), for janitors that prune in small batches. MySQL: `DELETE … LIMIT`. SQLite takes
 * that only when built with SQLITE_ENABLE_UPDATE_DELETE_LIMIT, so there the rows go by primary
 * key (`key`) from the same limited SELECT.
 */
export function deleteAtMost(db: DataSource, table: string, key: string, where: string, order?: string): string {
  const orderBy = order ? ` ORDER BY ${order}` : '';
  if (engineOf(db) === 'sqlite') return `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where}${orderBy} LIMIT ?)`;
  return `DELETE FROM ${table} WHERE ${where}${orderBy} LIMIT ?`;
}
