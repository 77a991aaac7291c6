import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// One run over every workspace, so the suite ends with a single summary line.
export default defineConfig({
  test: {
    projects: [
      {
        // SWC, not esbuild: Nest's DI needs emitted decorator metadata.
        plugins: [swc.vite({ module: { type: 'es6' } })],
        test: {
          name: 'server',
          root: './server',
          include: ['test/**/*.spec.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'executor-sdk',
          root: './executor-sdk',
          include: ['test/**/*.spec.ts'],
          pool: 'forks',
          testTimeout: 30_000,
        },
      },
    ],
  },
});
