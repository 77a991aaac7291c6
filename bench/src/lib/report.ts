import type { FigureSpec, Scenario, ScenarioResult } from './context.js';
import type { Engine } from './database.js';
import type { MachineInfo } from './machine.js';
import { spreadAll, type Spread } from './stats.js';

export interface ScenarioReport {
  name: string;
  title: string;
  setup: string;
  figures: FigureSpec[];
  reps: ScenarioResult['reps'];
  summary: Record<string, Spread>;
  error?: string;
  /** Why the scenario was not run on this engine. */
  notApplicable?: string;
}

export interface BenchReport {
  /** The storage engine the server nodes ran on (results before it existed: MySQL). */
  engine: Engine;
  startedAt: string;
  finishedAt: string;
  mode: 'quick' | 'full';
  repetitions: number;
  scaleJobs: number;
  machine: MachineInfo;
  commit: string;
  scenarios: ScenarioReport[];
  /** Baton's throughput as a fraction of what the machine allows. */
  fractions: { ofInsertRate: number; ofSocketRoundTrips: number } | null;
}

export function scenarioReport(scenario: Scenario, result: ScenarioResult | Error): ScenarioReport {
  if (result instanceof Error) return { name: scenario.name, title: scenario.title, setup: '', figures: scenario.figures, reps: [], summary: {}, error: result.message };
  return { name: scenario.name, title: result.title ?? scenario.title, setup: result.setup, figures: scenario.figures, reps: result.reps, summary: spreadAll(result.reps) };
}

/** A scenario the engine cannot host, reported as such rather than left out. */
export function notApplicableReport(scenario: Scenario, reason: string): ScenarioReport {
  return { name: scenario.name, title: scenario.title, setup: '', figures: scenario.figures, reps: [], summary: {}, notApplicable: reason };
}

export function fractionsOf(scenarios: ScenarioReport[]): BenchReport['fractions'] {
  const tput = scenarios.find((s) => s.name === 'throughput')?.summary.runsPerSecond?.median;
  const limits = scenarios.find((s) => s.name === 'limits')?.summary;
  if (!tput || !limits?.insertRowsPerSecond || !limits.socketRoundTripsPerSecond) return null;
  return { ofInsertRate: tput / limits.insertRowsPerSecond.median, ofSocketRoundTrips: tput / limits.socketRoundTripsPerSecond.median };
}

function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The results as Markdown: the machine, then one table per scenario (median and range). */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const out: string[] = [
    `Measured ${report.finishedAt.slice(0, 16).replace('T', ' ')} UTC, ${report.mode} mode (${report.repetitions} repetition${report.repetitions > 1 ? 's' : ''} per scenario, median and min–max), commit \`${report.commit}\`.`,
    '',
    report.engine === 'sqlite'
      ? `Machine: ${m.cores} × ${m.cpuModel}, ${m.ramGiB} GiB RAM, ${m.os}; Node.js ${m.node}; ${m.database} embedded in the server process, one file on local disk (WAL, synchronous FULL). The server node, executors and the bench driver all share these cores; the 1-minute load average was ${m.loadAverage} at the end (above ${m.cores} means other work competed for the CPU).`
      : `Machine: ${m.cores} × ${m.cpuModel}, ${m.ramGiB} GiB RAM, ${m.os}; Node.js ${m.node}; ${m.database} (local, default settings). Server nodes, executors, MariaDB and the bench driver all share these cores; the 1-minute load average was ${m.loadAverage} at the end (above ${m.cores} means other work competed for the CPU).`,
    '',
  ];
  for (const s of report.scenarios) {
    out.push(`### ${s.title}`, '');
    if (s.error) {
      out.push(`Failed: ${s.error}`, '');
      continue;
    }
    if (s.notApplicable) {
      out.push(`Not run: ${s.notApplicable}.`, '');
      continue;
    }
    out.push('| figure | median | range | target |', '| --- | ---: | ---: | --- |');
    for (const f of s.figures) {
      const v = s.summary[f.key];
      if (!v) continue;
      out.push(`| ${f.label} | ${fmt(v.median, f.digits)} | ${fmt(v.min, f.digits)} – ${fmt(v.max, f.digits)} | ${f.target ?? ''} |`);
    }
    out.push('', s.setup, '');
  }
  if (report.fractions) {
    out.push(`**Baton against the machine:** throughput is ${fmt(report.fractions.ofInsertRate * 100, 1)} % of the raw batched insert rate of run rows and ${fmt(report.fractions.ofSocketRoundTrips * 100, 1)} % of the raw socket.io round-trip rate (each run costs one insert, several guarded UPDATEs and a few socket messages).`, '');
  }
  return out.join('\n');
}
