import { randomBytes } from 'node:crypto';
import type { BenchApi, CreatedApp } from './api.js';
import type { BenchContext } from './context.js';
import { startExecutor, startServer, type BenchExecutor, type ServerNode } from './processes.js';
import { waitFor } from './wait.js';

/** A unique, readable name for apps and jobs of one repetition. */
export function uniqueName(label: string): string {
  return `${label}-${randomBytes(3).toString('hex')}`;
}

/** Server nodes, an app with a `noop` job template, and executor processes serving it. */
export interface Cluster {
  nodes: ServerNode[];
  api: BenchApi;
  app: CreatedApp;
  executors: BenchExecutor[];
  /** Every start the executors reported so far. */
  starts(): BenchExecutor['starts'];
  resetStarts(): void;
  stop(): Promise<void>;
}

export async function startCluster(ctx: BenchContext, opts: { nodes?: number; env?: Record<string, string>; executors?: number; concurrency?: number; label: string }): Promise<Cluster> {
  const nodes: ServerNode[] = [];
  const executors: BenchExecutor[] = [];
  const stop = async () => {
    await Promise.allSettled(executors.map((e) => e.stop()));
    await Promise.allSettled(nodes.map((n) => n.stop()));
  };
  try {
    const first = await startServer({ databaseUrl: ctx.db.url, nodeId: uniqueName(`${opts.label}-node`), env: opts.env });
    nodes.push(first);
    for (let i = 1; i < (opts.nodes ?? 1); i++) nodes.push(await startServer({ databaseUrl: ctx.db.url, nodeId: uniqueName(`${opts.label}-node`), env: opts.env, api: first.api }));
    await waitFor(async () => (await first.api.cluster()).leader, { timeoutMs: 30_000, message: 'a leader is elected' });
    const app = await first.api.createApp(uniqueName(opts.label));
    for (let i = 0; i < (opts.executors ?? 1); i++) {
      executors.push(await startExecutor({ servers: nodes.map((n) => n.url), app: app.name, token: app.token, concurrency: opts.concurrency ?? 500 }));
    }
    return {
      nodes,
      api: first.api,
      app,
      executors,
      starts: () => (executors.length === 1 ? executors[0]!.starts : executors.flatMap((e) => e.starts)),
      resetStarts: () => executors.forEach((e) => e.reset()),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A job of `app` running the `noop` handler; PARALLEL so runs of one job never wait for each other. */
export function noopJob(app: string, name: string, schedule: { type: string; expression: string | null }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { app, name, handler: 'noop', schedule: { ...schedule, timezone: 'UTC' }, blockStrategy: 'PARALLEL', ...extra };
}
