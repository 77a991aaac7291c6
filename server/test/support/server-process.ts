import { fileURLToPath } from 'node:url';
import { CONFIG_VARIABLES } from '../../src/config/config-variables.js';
import { startChild, type ChildHandle } from './child-process.js';
import { adminClient, testAdminEnv, type ApiClient } from './test-server.js';

export { stopAll } from './child-process.js';

/** The compiled server entry point; tests run the build output, as production does. */
export const SERVER_MAIN_PATH = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const LISTENING_LINE = /^BATON_LISTENING port=(\d+)\s*$/;

export interface StartServerOptions {
  /** Unset: the server's default, the embedded database under `cwd`. */
  databaseUrl: string | undefined;
  /** Working directory (default: the test's). */
  cwd?: string;
  nodeId: string;
  /** Extra environment; overrides the defaults set here. */
  env?: Record<string, string>;
  logFile?: string;
  startTimeoutMs?: number;
}

/** One `node server/dist/main.js` child process, listening on 127.0.0.1. */
export interface ServerProcess extends Omit<ChildHandle, 'ready'> {
  readonly nodeId: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Client for `<url>/api/v1`, signed in as the test admin. */
  readonly api: ApiClient;
}

/** Starts one server node and resolves once it listens. */
export async function startServerProcess(opts: StartServerOptions): Promise<ServerProcess> {
  const child = await startChild({ name: `Server node ${opts.nodeId}`, script: SERVER_MAIN_PATH, env: serverEnv(opts), cwd: opts.cwd, ready: LISTENING_LINE, logFile: opts.logFile, startTimeoutMs: opts.startTimeoutMs });
  const port = Number(child.ready[1]);
  const url = `http://127.0.0.1:${port}`;
  const { ready: _ready, ...handle } = child;
  return { ...handle, nodeId: opts.nodeId, port, url, api: adminClient(`${url}/api/v1`) };
}

/**
 * The child's environment: ours, minus every variable the server reads (so a developer's shell
 * cannot change what a test sees), plus the test settings, plus `opts.env`.
 */
function serverEnv(opts: StartServerOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const spec of Object.values(CONFIG_VARIABLES)) delete env[spec.name];
  const database = opts.databaseUrl === undefined ? {} : { DATABASE_URL: opts.databaseUrl };
  return { ...env, PORT: '0', HOST: '127.0.0.1', BATON_PRINT_PORT: '1', NODE_ID: opts.nodeId, ...database, LOG_LEVEL: 'log', ...testAdminEnv(), ...opts.env };
}
