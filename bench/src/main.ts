/**
 * `npm run bench [-- --engine sqlite] [-- --quick] [-- --jobs 1000000] [-- --only cron,delayed] [-- --reps N] [-- --no-docs]`
 *
 * Creates its own database (on DATABASE_URL's MySQL server, or with `--engine sqlite` a SQLite
 * file in a temporary directory), starts real server nodes and executor processes, runs the
 * scenarios, writes bench/results/<timestamp>[-sqlite].json and (full runs) the engine's table in
 * docs/benchmarks.md, and drops the database.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchOptions, Scenario } from './lib/context.js';
import { createBenchDatabase, ENGINES, type Engine } from './lib/database.js';
import { describeMachine } from './lib/machine.js';
import { fractionsOf, notApplicableReport, renderMarkdown, scenarioReport, type BenchReport, type ScenarioReport } from './lib/report.js';
import { cron } from './scenarios/cron.js';
import { delayed } from './scenarios/delayed.js';
import { failover } from './scenarios/failover.js';
import { limits } from './scenarios/limits.js';
import { scale } from './scenarios/scale.js';
import { throughput } from './scenarios/throughput.js';

export const SCENARIOS: Scenario[] = [limits, throughput, cron, delayed, failover, scale];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = `${ROOT}docs/benchmarks.md`;
/** Each engine's table in the docs, between its own markers: a run rewrites only its engine's. */
const MARKERS: Record<Engine, { start: string; end: string }> = {
  mysql: { start: '<!-- bench:results:start -->', end: '<!-- bench:results:end -->' },
  sqlite: { start: '<!-- bench:sqlite-results:start -->', end: '<!-- bench:sqlite-results:end -->' },
};
const ONE_NODE = 'n/a on the embedded engine (one node)';

function parseArgs(argv: string[]): BenchOptions & { engine: Engine; only: string[] | null; docs: boolean } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const engine = (value('--engine') ?? 'mysql') as Engine;
  if (!ENGINES.includes(engine)) throw new Error(`--engine takes one of ${ENGINES.join(', ')}`);
  const jobs = Number(value('--jobs') ?? (quick ? 10_000 : 100_000));
  const reps = Number(value('--reps') ?? (quick ? 1 : 3));
  if (!Number.isInteger(jobs) || jobs < 1 || !Number.isInteger(reps) || reps < 1) throw new Error('--jobs and --reps take positive whole numbers');
  const only = value('--only')?.split(',') ?? null;
  for (const name of only ?? []) if (!SCENARIOS.some((s) => s.name === name)) throw new Error(`unknown scenario ${name}; one of ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return { engine, quick, scaleJobs: jobs, repetitions: reps, only, docs: !quick && !only && !argv.includes('--no-docs') };
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const log = (message: string) => console.log(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  log(`${opts.quick ? 'quick' : 'full'} mode, ${opts.repetitions} repetition(s), engine ${opts.engine}`);
  const reports: ScenarioReport[] = [];
  let database = 'unknown';
  for (const scenario of SCENARIOS.filter((s) => !opts.only || opts.only.includes(s.name))) {
    if (opts.engine === 'sqlite' && scenario.severalNodes) {
      log(`${scenario.title}: ${ONE_NODE}`);
      reports.push(notApplicableReport(scenario, ONE_NODE));
      continue;
    }
    // Each scenario gets a fresh database, so no scenario's leftovers (open runs, many jobs) weigh on the next.
    const db = await createBenchDatabase(opts.engine);
    database = db.description;
    log(`${scenario.title} (database ${db.name})`);
    const ctx: BenchContext = { db, options: opts, log };
    const result = await scenario.run(ctx).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    if (process.env.BENCH_KEEP_DB === '1') {
      await db.close();
      log(`  kept database ${db.name} (BENCH_KEEP_DB=1)`);
    } else await db.drop();
    if (result instanceof Error) log(`  FAILED: ${result.stack ?? result.message}`);
    reports.push(scenarioReport(scenario, result));
  }
  const report: BenchReport = {
    engine: opts.engine,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    repetitions: opts.repetitions,
    scaleJobs: opts.scaleJobs,
    machine: describeMachine(database),
    commit: commit(),
    scenarios: reports,
    fractions: fractionsOf(reports),
  };
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  const file = `${ROOT}bench/results/${report.startedAt.replace(/[:.]/g, '-')}${opts.engine === 'sqlite' ? '-sqlite' : ''}${opts.quick ? '-quick' : ''}.json`;
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown(report);
  console.log(`\n${markdown}`);
  log(`results: ${file}`);
  if (opts.docs) {
    const { start, end } = MARKERS[opts.engine];
    const doc = readFileSync(DOCS, 'utf8');
    const from = doc.indexOf(start);
    const to = doc.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${DOCS} lacks the ${start} … ${end} markers`);
    writeFileSync(DOCS, `${doc.slice(0, from + start.length)}\n${markdown}\n${doc.slice(to)}`);
    log(`table written to ${DOCS}`);
  }
  if (reports.some((r) => r.error)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
