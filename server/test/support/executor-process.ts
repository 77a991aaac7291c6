import { fileURLToPath } from 'node:url';
import { startChild, type ChildHandle } from './child-process.js';

/** The demo executor shipped with the SDK: the real SDK, in its own process. */
export const DEMO_EXECUTOR_PATH = fileURLToPath(new URL('../../../executor-sdk/dist/examples/demo-executor.js', import.meta.url));
const READY_LINE = /^DEMO_EXECUTOR_READY instance=(\S+)\s*$/;

export interface StartExecutorOptions {
  servers: string[];
  app: string;
  token: string;
  concurrency?: number;
  instanceId?: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface ExecutorProcess extends Omit<ChildHandle, 'ready'> {
  readonly instanceId: string;
}

/** Starts the demo executor and resolves once it is connected and registered. */
export async function startExecutorProcess(opts: StartExecutorOptions): Promise<ExecutorProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BATON_SERVERS: opts.servers.join(','),
    BATON_APP: opts.app,
    BATON_TOKEN: opts.token,
    BATON_CONCURRENCY: String(opts.concurrency ?? 4),
    ...(opts.instanceId ? { BATON_INSTANCE_ID: opts.instanceId } : {}),
    ...opts.env,
  };
  const child = await startChild({ name: `Executor ${opts.instanceId ?? opts.app}`, script: DEMO_EXECUTOR_PATH, env, ready: READY_LINE, startTimeoutMs: opts.startTimeoutMs ?? 20_000 });
  const { ready, ...handle } = child;
  return { ...handle, instanceId: ready[1]! };
}
