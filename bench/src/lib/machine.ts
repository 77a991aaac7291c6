import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { readFileSync } from 'node:fs';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  database: string;
  /** 1-minute load average when the bench ended: other work on the machine skews every figure. */
  loadAverage: number;
}

/** The machine as it is at run time, for the results and docs/benchmarks.md. */
export function describeMachine(database: string): MachineInfo {
  const list = cpus();
  let os = `${platform()} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty) os = `${pretty[1]} (${os})`;
  } catch {
    /* not Linux: keep the kernel name */
  }
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os,
    node: process.version,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
    database,
  };
}
