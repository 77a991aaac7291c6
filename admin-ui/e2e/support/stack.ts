import type { BrowserContext } from '@playwright/test';
import { ApiSession } from './api-session';
import { createDatabase, startExecutor, startServer, type Child, type TestDatabase } from './processes';

export const ADMIN = { email: 'admin@example.com', password: 'Correct-Horse-Battery-9' };
export const APP = 'demo';

export interface Stack {
  db: TestDatabase;
  server: Child & { url: string };
  executor: Child | null;
  /** Signed in as the admin (unless started in first-run state). */
  api: ApiSession;
  /** Starts the demo executor for app `demo` (created here) once the API can be used. */
  startExecutor(): Promise<void>;
  /** Puts the admin's session cookies into a browser context. */
  signIn(context: BrowserContext): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One test file's world: its own database, a real server process (node server/dist/main.js)
 * serving the built console, and a real demo executor process.
 * `unattendedAdmin: false` leaves the server in first-run state, for the setup test.
 */
export async function startStack(label: string, opts: { unattendedAdmin?: boolean } = {}): Promise<Stack> {
  const db = await createDatabase(label);
  const adminEnv: Record<string, string> = opts.unattendedAdmin === false ? {} : { BATON_ADMIN_EMAIL: ADMIN.email, BATON_ADMIN_PASSWORD: ADMIN.password };
  const server = await startServer(db.url, `ui-${label}`, adminEnv);
  const api = new ApiSession(server.url);
  if (opts.unattendedAdmin !== false) await api.login(ADMIN.email, ADMIN.password);
  const stack: Stack = {
    db,
    server,
    executor: null,
    api,
    async startExecutor() {
      const app = await api.post<{ token: string }>('/apps', { name: APP, description: 'Demo handlers' });
      stack.executor = await startExecutor(server.url, APP, app.token);
    },
    async signIn(context) {
      await context.addCookies(api.browserCookies());
    },
    async stop() {
      await stack.executor?.stop();
      await server.stop();
      await db.drop();
    },
  };
  return stack;
}
