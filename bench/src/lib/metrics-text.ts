/** One Prometheus histogram (no labels) read from the text format. */
export interface Histogram {
  /** Cumulative counts by upper bound (seconds), ascending. */
  buckets: Array<[le: number, count: number]>;
  sum: number;
  count: number;
}

export function parseHistogram(text: string, name: string): Histogram {
  const buckets: Array<[number, number]> = [];
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    const bucket = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)`).exec(line);
    if (bucket) buckets.push([bucket[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(bucket[1]), Number(bucket[2])]);
    else if (line.startsWith(`${name}_sum `)) sum = Number(line.split(' ')[1]);
    else if (line.startsWith(`${name}_count `)) count = Number(line.split(' ')[1]);
  }
  return { buckets: buckets.sort((a, b) => a[0] - b[0]), sum, count };
}

/** Observations between two scrapes: their count, mean, and the bucket bound the largest fell under. */
export function histogramDelta(before: Histogram, after: Histogram): { count: number; meanSeconds: number; maxAtMostSeconds: number } {
  const count = after.count - before.count;
  const earlier = new Map(before.buckets);
  const bound = after.buckets.find(([le, n]) => n - (earlier.get(le) ?? 0) >= count);
  return { count, meanSeconds: count > 0 ? (after.sum - before.sum) / count : Number.NaN, maxAtMostSeconds: count > 0 ? (bound?.[0] ?? Number.NaN) : Number.NaN };
}

/** The sum of every sample of one series (all label sets), e.g. `baton_db_query_seconds_count`. */
export function sumSeries(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
