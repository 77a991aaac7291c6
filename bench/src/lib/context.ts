import type { BenchDatabase } from './database.js';
import type { Figures } from './stats.js';

export interface BenchOptions {
  /** Fewer repetitions and smaller N: the whole bench in under 2 minutes. */
  quick: boolean;
  /** Enabled jobs in the scale scenario. */
  scaleJobs: number;
  /** Repetitions of each scenario. */
  repetitions: number;
  /** Overrides the throughput scenario's run count (the smoke test keeps it tiny). */
  throughputRuns?: number;
  /** Overrides the limits scenario's seconds per measurement. */
  limitSeconds?: number;
}

export interface BenchContext {
  db: BenchDatabase;
  options: BenchOptions;
  log(message: string): void;
}

/** How one figure is shown: its label, unit and the target for it (if any). */
export interface FigureSpec {
  key: string;
  label: string;
  target?: string;
  /** Decimals shown (default 0). */
  digits?: number;
}

export interface ScenarioResult {
  reps: Figures[];
  /** The scenario's title where it depends on the engine. */
  title?: string;
  /** Facts about the set-up, shown under the scenario's table. */
  setup: string;
}

export interface Scenario {
  name: string;
  title: string;
  figures: FigureSpec[];
  /** Starts more than one server node: not possible on the embedded engine. */
  severalNodes?: true;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}
