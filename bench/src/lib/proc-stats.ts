import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux everywhere in practice). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds a process has used so far; NaN when it cannot be read (gone, not Linux). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime (fields 14, 15)
  } catch {
    return Number.NaN;
  }
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** The local MariaDB/MySQL server process, when the database is on this machine (its CPU counts too). */
export function databasePid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const out = execFileSync('pgrep', ['-o', '-x', name], { encoding: 'utf8' }).trim();
      if (out) return Number(out);
    } catch {
      /* not running under this name */
    }
  }
  return undefined;
}

/** CPU seconds of several processes between two moments. */
export class CpuMeter {
  private readonly start = new Map<string, number>();

  constructor(private readonly pids: Record<string, number | undefined>) {
    for (const [name, pid] of Object.entries(pids)) if (pid) this.start.set(name, cpuSeconds(pid));
  }

  /** Seconds used by each process since construction. */
  read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) if (pid) out[name] = Math.round((cpuSeconds(pid) - (this.start.get(name) ?? Number.NaN)) * 100) / 100;
    return out;
  }
}
