import type { WhereExpressionBuilder } from 'typeorm';

/**
 * Narrows a query to the caller's apps. `undefined` = every app; an empty list matches nothing
 * (`IN ()` is not SQL, so it becomes a false condition).
 */
export function whereAppIn(q: WhereExpressionBuilder, column: string, appIds: readonly string[] | undefined, paramName = 'scopeAppIds'): void {
  if (appIds === undefined) return;
  if (appIds.length === 0) q.andWhere('1 = 0');
  else q.andWhere(`${column} IN (:...${paramName})`, { [paramName]: appIds });
}
