/** Percentile by nearest rank on a sorted copy; NaN for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LatenessSummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarizeLateness(latenessMs: number[]): LatenessSummary {
  return {
    count: latenessMs.length,
    p50: percentile(latenessMs, 50),
    p95: percentile(latenessMs, 95),
    p99: percentile(latenessMs, 99),
    max: latenessMs.length ? Math.max(...latenessMs) : Number.NaN,
  };
}

/** Median with its range over the repetitions of one figure. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function spread(values: number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, values };
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, values };
}

/** One repetition's figures, by name. */
export type Figures = Record<string, number>;

/** Every figure of several repetitions as a median with range. */
export function spreadAll(reps: Figures[]): Record<string, Spread> {
  const names = [...new Set(reps.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(names.map((n) => [n, spread(reps.map((r) => r[n] ?? Number.NaN))]));
}
