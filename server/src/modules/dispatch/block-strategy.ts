import type { BlockStrategy } from '@baton/protocol';

export interface BlockInput {
  strategy: BlockStrategy;
  /** Ids of the job's runs already DISPATCHED or RUNNING. */
  activeRunIds: string[];
  /** Ids of the job's due runs, oldest first. */
  dueRunIds: string[];
}

export interface BlockDecision {
  /** Send these now. */
  dispatch: string[];
  /** Leave these SCHEDULED, with the reason shown. */
  wait: { runIds: string[]; reason: string } | null;
  /** End these as SKIPPED, with the reason. */
  skip: { runIds: string[]; reason: string } | null;
  /** Cancel these active runs first (COVER_EARLY). */
  cover: string[];
}

/**
 * What to do with a job's due runs while earlier runs of it may still be going:
 * SERIAL sends one at a time, in order; DISCARD_LATER skips new runs while one is active;
 * COVER_EARLY cancels the active ones and sends the newest; PARALLEL sends everything.
 */
export function applyBlockStrategy(input: BlockInput): BlockDecision {
  const { strategy, activeRunIds, dueRunIds } = input;
  const none: BlockDecision = { dispatch: [], wait: null, skip: null, cover: [] };
  if (dueRunIds.length === 0) return none;
  const busy = activeRunIds.length > 0;
  switch (strategy) {
    case 'PARALLEL':
      return { ...none, dispatch: dueRunIds };
    case 'SERIAL': {
      const [first, ...rest] = dueRunIds;
      if (busy) return { ...none, wait: { runIds: dueRunIds, reason: `waiting for run ${activeRunIds[0]} of this job to end (SERIAL)` } };
      return { ...none, dispatch: [first!], wait: rest.length ? { runIds: rest, reason: `waiting for run ${first} of this job to end (SERIAL)` } : null };
    }
    case 'DISCARD_LATER': {
      if (busy) return { ...none, skip: { runIds: dueRunIds, reason: `discarded: run ${activeRunIds[0]} of this job was still running (DISCARD_LATER)` } };
      const [first, ...rest] = dueRunIds;
      return { ...none, dispatch: [first!], skip: rest.length ? { runIds: rest, reason: `discarded: run ${first} of this job was due first (DISCARD_LATER)` } : null };
    }
    case 'COVER_EARLY': {
      const newest = dueRunIds[dueRunIds.length - 1]!;
      const older = dueRunIds.slice(0, -1);
      return {
        dispatch: [newest],
        wait: null,
        skip: older.length ? { runIds: older, reason: `covered by the newer run ${newest} (COVER_EARLY)` } : null,
        cover: activeRunIds,
      };
    }
  }
}
