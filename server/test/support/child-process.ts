import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';

const DEFAULT_START_TIMEOUT_MS = 30_000;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
/** Output kept per process; older output is dropped so a chatty node cannot eat the test's memory. */
const MAX_OUTPUT_CHARS = 2 * 1024 * 1024;
/** How much output a start failure quotes. */
const FAILURE_TAIL_CHARS = 8 * 1024;

export interface ChildSpec {
  /** Names the process in errors. */
  name: string;
  /** The compiled script to run with this node binary. */
  script: string;
  env: NodeJS.ProcessEnv;
  /** Working directory (default: the test's). */
  cwd?: string;
  /** The stdout line that says the process is ready; its match is returned. */
  ready: RegExp;
  /** Also append stdout and stderr to this file (handy when debugging a failure). */
  logFile?: string;
  /** How long to wait for the ready line (default 30 s). */
  startTimeoutMs?: number;
}

/** A running child process of a test (a server node or an executor). */
export interface ChildHandle {
  readonly pid: number;
  /** The ready line's match. */
  readonly ready: RegExpExecArray;
  /** Resolves with the exit code once the process has exited (`null` when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Everything the process wrote to stdout and stderr so far (at most the last ~2 MB), in arrival order. */
  output(): string;
  /** Sends `signal` (default SIGKILL, a crash) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGSTOP: the process freezes (a GC pause or a hung VM) while its sockets stay open. */
  pause(): void;
  /** SIGCONT: undoes `pause()`. */
  resume(): void;
  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs` (default 10 s). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * Every child not yet exited. Killed when the test process ends, so a failed or aborted test
 * never leaves server nodes running (and holding ports and database locks) behind.
 */
const liveChildren = new Set<ChildProcess>();
const TERMINATING_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

function killLiveChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

process.on('exit', killLiveChildren);

/**
 * 'exit' does not run when a signal ends the process, and Vitest stops its fork workers with
 * SIGTERM. So while children live we also catch those signals, kill the children, and then
 * re-raise the signal so the process still dies as it would have.
 */
function onTerminatingSignal(signal: NodeJS.Signals): void {
  killLiveChildren();
  uninstallSignalHandlers();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function trackChild(child: ChildProcess): void {
  if (liveChildren.size === 0) for (const s of TERMINATING_SIGNALS) process.on(s, onTerminatingSignal);
  liveChildren.add(child);
}

/** Handlers are only installed while needed, so they change nothing for tests without child nodes. */
function untrackChild(child: ChildProcess): void {
  if (liveChildren.delete(child) && liveChildren.size === 0) uninstallSignalHandlers();
}

function uninstallSignalHandlers(): void {
  for (const s of TERMINATING_SIGNALS) process.off(s, onTerminatingSignal);
}

/** Throws a clear error when a compiled script is missing. */
export function assertBuilt(script: string): void {
  if (!existsSync(script)) {
    throw new Error(`${script} is missing: run \`npm run build\` at the repository root first (the root \`npm test\` script does this).`);
  }
}

/** Starts a child and resolves once it prints its ready line. On failure the child is killed and the error quotes its output. */
export async function startChild(spec: ChildSpec): Promise<ChildHandle> {
  assertBuilt(spec.script);
  const child = spawn(process.execPath, [spec.script], { env: spec.env, cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  const output = new OutputLog(spec.logFile);
  const exit = exitOf(child, output);
  const control = new Control(child, exit);
  const watch = readyLine(child, output, spec.ready);

  let ready: RegExpExecArray;
  try {
    ready = await readyOrFailed(spec, watch.match, exit, output);
  } catch (error) {
    await control.kill('SIGKILL');
    throw error;
  } finally {
    watch.stop();
  }
  return {
    pid: child.pid!,
    ready,
    exited: exit.then((e) => e.code),
    output: () => output.text(),
    kill: (signal = 'SIGKILL') => control.kill(signal),
    pause: () => control.pause(),
    resume: () => control.resume(),
    stop: (timeoutMs = DEFAULT_STOP_TIMEOUT_MS) => control.stop(timeoutMs),
  };
}

/** Stops every given process (undefined entries are skipped). Never throws, so it is safe in afterAll. */
export async function stopAll(procs: Iterable<Pick<ChildHandle, 'stop'> | undefined>): Promise<void> {
  await Promise.allSettled([...procs].map(async (p) => p?.stop()));
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves after the process exited and its output streams are drained, so `output()` is then complete. */
function exitOf(child: ChildProcess, output: OutputLog): Promise<ExitInfo> {
  return new Promise<ExitInfo>((resolve) => {
    child.on('exit', () => untrackChild(child));
    child.on('close', (code, signal) => {
      untrackChild(child);
      output.close();
      resolve({ code, signal });
    });
    child.on('error', (error) => {
      // Only a failed spawn ends here without a 'close'; a failed kill() also emits 'error' but the child lives on.
      if (child.pid === undefined) {
        untrackChild(child);
        output.append(`[spawn failed] ${error.message}\n`);
        output.close();
        resolve({ code: null, signal: null });
      }
    });
  });
}

/** Watches stdout for the ready line; also tees stdout and stderr into `output`. */
function readyLine(child: ChildProcess, output: OutputLog, ready: RegExp): { match: Promise<RegExpExecArray>; stop(): void } {
  let partialLine = '';
  let found: ((match: RegExpExecArray) => void) | undefined;
  const match = new Promise<RegExpExecArray>((resolve) => (found = resolve));

  const scanStdout = (chunk: string): void => {
    if (!found) return;
    const lines = (partialLine + chunk).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) {
      const hit = ready.exec(line);
      if (hit) {
        found(hit);
        found = undefined;
        partialLine = '';
        return;
      }
    }
  };

  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    output.append(chunk);
    scanStdout(chunk);
  });
  child.stderr!.on('data', (chunk: string) => output.append(chunk));
  return {
    match,
    stop: () => {
      found = undefined;
      partialLine = '';
    },
  };
}

/** The ready match; rejects (quoting the output) if the process exits first or the deadline passes. */
async function readyOrFailed(spec: ChildSpec, match: Promise<RegExpExecArray>, exit: Promise<ExitInfo>, output: OutputLog): Promise<RegExpExecArray> {
  const timeoutMs = spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(startError(spec.name, `did not print its ready line ${spec.ready} within ${timeoutMs} ms`, output)), timeoutMs);
  });
  const earlyExit = exit.then((e) => {
    throw startError(spec.name, `exited before it was ready (code ${e.code}, signal ${e.signal})`, output);
  });
  try {
    return await Promise.race([match, earlyExit, deadline]);
  } finally {
    clearTimeout(timer);
    earlyExit.catch(() => undefined); // it rejects later, when the node exits; nobody waits for that any more
  }
}

function startError(name: string, what: string, output: OutputLog): Error {
  return new Error(`${name} ${what}. Last output:\n${output.tail(FAILURE_TAIL_CHARS) || '(none)'}`);
}

/** Signals to the child; tracks SIGSTOP so SIGTERM still lands on a paused node. */
class Control {
  private paused = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly exit: Promise<ExitInfo>,
  ) {}

  private get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null || !liveChildren.has(this.child);
  }

  async kill(signal: NodeJS.Signals): Promise<number | null> {
    this.send(signal);
    return (await this.exit).code;
  }

  pause(): void {
    this.send('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    this.send('SIGCONT');
    this.paused = false;
  }

  async stop(timeoutMs: number): Promise<number | null> {
    this.send('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([this.exit, gaveUp]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.send('SIGKILL');
    return (await this.exit).code;
  }

  private send(signal: NodeJS.Signals): void {
    if (this.hasExited) return;
    this.child.kill(signal);
    // A stopped process only acts on SIGKILL; anything else waits for SIGCONT.
    if (this.paused && signal !== 'SIGKILL' && signal !== 'SIGSTOP' && signal !== 'SIGCONT') {
      this.child.kill('SIGCONT');
      this.paused = false;
    }
  }
}

/** stdout+stderr in arrival order, capped at MAX_OUTPUT_CHARS, optionally teed to a file. */
class OutputLog {
  private buffer = '';
  private readonly file: WriteStream | undefined;

  constructor(logFile: string | undefined) {
    this.file = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
    // A log file problem must not fail the test that asked for the log.
    this.file?.on('error', () => undefined);
  }

  append(chunk: string): void {
    this.buffer += chunk;
    // Trim to 3/4 of the cap, not to the cap, so a chatty node does not copy 2 MB per chunk.
    if (this.buffer.length > MAX_OUTPUT_CHARS) this.buffer = this.buffer.slice(-Math.floor((MAX_OUTPUT_CHARS * 3) / 4));
    this.file?.write(chunk);
  }

  text(): string {
    return this.buffer;
  }

  tail(chars: number): string {
    return this.buffer.slice(-chars);
  }

  close(): void {
    this.file?.end();
  }
}
