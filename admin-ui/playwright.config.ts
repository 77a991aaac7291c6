import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the console in Debian's Chromium, against real server and executor
 * processes each test file starts (see e2e/support/stack.ts). Never `playwright install`: the
 * browser is /usr/bin/chromium.
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // Each file starts its own server and executor; one file at a time keeps two cores calm.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list'], ['./e2e/support/summary-reporter.ts']],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
