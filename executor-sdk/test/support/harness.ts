import { createExecutor, type Executor, type ExecutorLogger, type ExecutorOptions } from '../../src/index.js';
import { FakeServer, type FakeServerOptions } from './fake-server.js';

/** Short delays so reconnects and graces happen within a test's patience. */
export const FAST: Partial<ExecutorOptions> = {
  reconnectDelayMs: 50,
  reconnectDelayMaxMs: 200,
  startTimeoutMs: 5_000,
  killGraceMs: 2_000,
};

export interface MemoryLogger extends Required<ExecutorLogger> {
  lines: Array<{ level: string; message: string }>;
  has(level: string, fragment: string): boolean;
}

export function memoryLogger(): MemoryLogger {
  const lines: Array<{ level: string; message: string }> = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    has: (level, fragment) => lines.some((l) => l.level === level && l.message.includes(fragment)),
  };
}

/** Creates fake servers and executors for one test and tears them all down after it. */
export class Harness {
  private readonly servers: FakeServer[] = [];
  private readonly executors: Executor[] = [];

  async server(options: FakeServerOptions = {}): Promise<FakeServer> {
    const server = await FakeServer.start(options);
    this.servers.push(server);
    return server;
  }

  executor(servers: FakeServer | string[], options: Partial<ExecutorOptions> = {}): Executor {
    const executor = createExecutor({
      servers: Array.isArray(servers) ? servers : [servers.url],
      app: 'billing',
      token: 'secret',
      logger: null,
      ...FAST,
      ...options,
    });
    this.executors.push(executor);
    return executor;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.executors.splice(0).map((e) => e.close({ timeoutMs: 0 })));
    await Promise.all(this.servers.splice(0).map((s) => s.stop().catch(() => {})));
  }
}

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
