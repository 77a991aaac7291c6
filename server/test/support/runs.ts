import type { Page, RunDto } from '@baton/protocol';
import type { ApiClient } from './test-server.js';

/** Every run of a job, oldest first (follows the cursor). */
export async function runsOfJob(api: ApiClient, jobId: string): Promise<RunDto[]> {
  const all: RunDto[] = [];
  let cursor: string | null = null;
  do {
    const res: { body: Page<RunDto> } = await api.get(`/runs?job=${jobId}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    all.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return all.reverse();
}

/** Most runs of these that were RUNNING at the same moment, from their start and finish times. */
export function maxOverlap(runs: RunDto[]): number {
  const edges = runs
    .filter((r) => r.startedAt)
    .flatMap((r) => [
      { t: Date.parse(r.startedAt!), d: 1 },
      { t: r.finishedAt ? Date.parse(r.finishedAt) : Infinity, d: -1 },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (now += e.d));
  return max;
}
