import { DomainError } from '../errors/domain-error.js';
import { isId } from './id-params.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Cursors are opaque to clients; today they wrap the last id of the previous page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`id:${lastId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('id:') ? decoded.slice(3) : '';
  if (!isId(id)) throw new DomainError('VALIDATION_FAILED', 'cursor is not one this server issued; pass back nextCursor from the previous page.', [{ field: 'cursor', message: 'invalid cursor' }]);
  return id;
}

/** Fetch `limit + 1` rows; the extra one tells whether there is a next page. */
export function toPage<T extends { id: string }, D>(rows: T[], limit: number, map: (row: T) => D): { items: D[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return { items: pageRows.map(map), nextCursor: hasMore ? encodeCursor(pageRows[pageRows.length - 1]!.id) : null };
}
