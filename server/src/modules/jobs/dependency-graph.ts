/** Loads the child ids of each given job id (one level). */
export type ChildLoader = (parentIds: string[]) => Promise<Map<string, string[]>>;

/**
 * Would giving `jobId` the children `childIds` close a cycle? Walks down from the new children
 * level by level; reaching `jobId` again means yes. Returns the cycle as a list of job ids that
 * starts and ends with `jobId`, or null.
 */
export async function findCycle(jobId: string, childIds: string[], loadChildren: ChildLoader): Promise<string[] | null> {
  if (childIds.includes(jobId)) return [jobId, jobId];
  const parentOf = new Map<string, string>();
  for (const c of childIds) parentOf.set(c, jobId);
  let frontier = [...new Set(childIds)];
  const seen = new Set(frontier);
  while (frontier.length > 0) {
    const edges = await loadChildren(frontier);
    const next: string[] = [];
    for (const parent of frontier) {
      for (const child of edges.get(parent) ?? []) {
        if (child === jobId) return pathBack(parent, parentOf, jobId);
        if (seen.has(child)) continue;
        seen.add(child);
        parentOf.set(child, parent);
        next.push(child);
      }
    }
    frontier = next;
  }
  return null;
}

function pathBack(last: string, parentOf: Map<string, string>, jobId: string): string[] {
  const path = [jobId];
  for (let node: string | undefined = last; node !== undefined && node !== jobId; node = parentOf.get(node)) path.push(node);
  path.push(jobId);
  // path was built backwards from the closing edge: jobId ← last ← … ← first child ← jobId
  return [jobId, ...path.slice(1, -1).reverse(), jobId];
}
