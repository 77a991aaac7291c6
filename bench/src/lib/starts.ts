import type { StartRecord } from './processes.js';

/** Fires as the handler saw them: lateness of each first start, and how often a fire ran twice. */
export interface FireAnalysis {
  latenessMs: number[];
  /** Handler starts beyond the first for the same fire. */
  duplicates: number;
  /** Distinct fires seen. */
  fires: number;
}

/**
 * Groups starts by fire: `(job, planned time)` for scheduled fires, where a second run of the same
 * fire would be a duplicate fire; or by run id for triggered runs.
 */
export function analyzeStarts(starts: StartRecord[], opts: { key: 'fire' | 'run'; include(record: StartRecord): boolean }): FireAnalysis {
  const seen = new Set<string>();
  const latenessMs: number[] = [];
  let duplicates = 0;
  for (const record of starts) {
    if (!opts.include(record)) continue;
    const [runId, jobId, scheduledAt, startedAt] = record;
    const key = opts.key === 'fire' ? `${jobId}@${scheduledAt}` : runId;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    latenessMs.push(startedAt - scheduledAt);
  }
  return { latenessMs, duplicates, fires: seen.size };
}
