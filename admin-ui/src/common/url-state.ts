import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Filters live in the query string, so every view has a URL that can be shared. Setting a
 * filter drops the page cursor: a cursor belongs to one set of filters.
 */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(keys.map((k) => [k, params.get(k) ?? undefined])) as Record<K, string | undefined>;
  const set = useCallback(
    (changes: Partial<Record<K | 'cursor', string | undefined | null>>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (!('cursor' in changes)) next.delete('cursor');
          for (const [k, v] of Object.entries(changes)) {
            if (v === undefined || v === null || v === '') next.delete(k);
            else next.set(k, String(v));
          }
          return next;
        },
        { replace: false },
      );
    },
    [setParams],
  );
  return { values, cursor: params.get('cursor') ?? undefined, set };
}
