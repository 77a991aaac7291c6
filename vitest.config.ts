import react from '@vitejs/plugin-react';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC, not esbuild: Nest's DI needs emitted decorator metadata.
const swcPlugin = () => swc.vite({ module: { type: 'es6' } });

/** A project of server tests: SWC for decorator metadata, forked workers, slow database hooks. */
function serverProject(test: { name: string; include: string[]; testTimeout: number; sequence: { groupOrder: number }; env?: Record<string, string>; fileParallelism?: boolean }) {
  return { plugins: [swcPlugin()], test: { root: './server', pool: 'forks' as const, hookTimeout: 60_000, ...test } };
}

// Integration specs that also run on the embedded SQLite engine. The rest stage MySQL-only faults
// (lock waits, dropped connections, CHECKSUM TABLE) or repeat what these cover.
const SQLITE_INTEGRATION_SPECS = [
  'access-matrix', 'alerts', 'apps-api', 'children', 'executor-protocol', 'identity-http', 'jobs-api', 'leader-lease',
  'metrics', 'retention', 'retries', 'stats', 'trigger-loop', 'triggers',
];

// One run over every workspace, so the suite ends with a single summary line.
// Unit and medium tests run in parallel first (group 0); then the end-to-end files, which start
// real server and executor processes and measure failover times, run one at a time (group 1),
// so they do not compete with the rest of the suite for the two cores.
export default defineConfig({
  test: {
    projects: [
      serverProject({
        name: 'server',
        include: ['test/unit/**/*.spec.ts', 'test/medium/**/*.spec.ts', 'test/contract/**/*.spec.ts'],
        testTimeout: 30_000,
        sequence: { groupOrder: 0 },
      }),
      // The API and engine-loop integration tests again, on SQLite files (BATON_TEST_ENGINE):
      // with the contract suite, what proves every repository runs on the embedded engine.
      serverProject({
        name: 'server-sqlite',
        include: SQLITE_INTEGRATION_SPECS.map((name) => `test/medium/${name}.spec.ts`),
        env: { BATON_TEST_ENGINE: 'sqlite' },
        testTimeout: 30_000,
        sequence: { groupOrder: 0 },
      }),
      serverProject({
        name: 'server-e2e',
        include: ['test/e2e/**/*.spec.ts'],
        fileParallelism: false,
        testTimeout: 60_000,
        sequence: { groupOrder: 1 },
      }),
      {
        test: {
          name: 'tools',
          root: './tools',
          include: ['test/**/*.spec.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // A tiny run of the benchmark harness (real server and executor processes), so it cannot rot.
          name: 'bench',
          root: './bench',
          include: ['test/**/*.spec.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // After the e2e group, so its processes do not add load to the timing-sensitive e2e tests.
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'executor-sdk',
          root: './executor-sdk',
          include: ['test/**/*.spec.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The console's unit tests (jsdom). Only src/: its Playwright suite in e2e/ runs with
        // `npm run test:e2e -w admin-ui`, never under Vitest.
        plugins: [react()],
        test: {
          name: 'admin-ui',
          root: './admin-ui',
          include: ['src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['./src/test/setup.ts'],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
    ],
  },
});
