import { expect, test } from '@playwright/test';
import { startStack, type Stack } from './support/stack';

let stack: Stack;

test.beforeAll(async () => {
  stack = await startStack('runs');
  await stack.startExecutor();
  // NONE schedules: these jobs run only when triggered.
  const none = { type: 'NONE', expression: null, timezone: 'UTC' };
  await stack.api.post('/jobs', { app: 'demo', name: 'hello', handler: 'demo.hello', schedule: none });
  await stack.api.post('/jobs', { app: 'demo', name: 'slow', handler: 'demo.slow', schedule: none, params: { ms: 120_000, steps: 120 } });
  await stack.api.post('/jobs', { app: 'demo', name: 'fail', handler: 'demo.fail', schedule: none, params: { message: 'boom on purpose' }, retry: { maxAttempts: 1 } });
});

test.afterAll(async () => {
  await stack?.stop();
});

test.beforeEach(async ({ context }) => {
  await stack.signIn(context);
});

test('trigger a job with params and see them reach the handler', async ({ page }) => {
  await page.goto(`${stack.server.url}/jobs/demo:hello`);
  await page.getByTestId('job-trigger').click();
  await page.getByTestId('trigger-params').fill('{"name": "Ada"}');
  await page.getByTestId('trigger-submit').click();

  await expect(page).toHaveURL(/\/runs\/\d+$/);
  await expect(page.getByTestId('run-status')).toContainText('Succeeded');
  await expect(page.getByTestId('run-params')).toContainText('"name": "Ada"');
  await expect(page.getByTestId('run-result')).toContainText('Hello, Ada!');
  await expect(page.getByTestId('run-log')).toContainText('saying hello to Ada');
});

test('kill a running run', async ({ page }) => {
  await page.goto(`${stack.server.url}/jobs/demo:slow`);
  await page.getByTestId('job-trigger').click();
  await page.getByTestId('trigger-submit').click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  await expect(page.getByTestId('run-status')).toContainText('Running');
  // A line in the live log proves the handler really runs before we kill it.
  await expect(page.getByTestId('run-log')).toContainText('step 1/120');

  await page.getByTestId('run-kill').click();
  await page.getByRole('button', { name: 'Kill', exact: true }).last().click();
  await expect(page.getByTestId('run-status')).toContainText('Cancelled');
  await expect(page.getByTestId('run-kill')).toHaveCount(0);
});

test('retry a dead run from the dead-letter list', async ({ page }) => {
  const dead = await stack.api.post<{ id: string }>('/jobs/demo:fail/trigger', {});
  await page.goto(`${stack.server.url}/runs?tab=dead`);
  const link = page.getByTestId('run-link').filter({ hasText: `#${dead.id}` });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page.getByTestId('run-status')).toContainText('Dead');
  await expect(page.getByTestId('run-error')).toContainText('boom on purpose');

  await page.getByTestId('run-retry').click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${dead.id}$`));
  await expect(page.getByTestId('run-root-link')).toHaveText(`#${dead.id}`);
  await expect(page.getByText('Retry', { exact: true }).first()).toBeVisible();
  // The retry fails again (same handler), and is dead again: the chain shows both attempts.
  await expect(page.getByTestId('run-status')).toContainText('Failed');
});

test('bulk retry from the dead-letter tab', async ({ page }) => {
  const dead = await stack.api.post<{ id: string }>('/jobs/demo:fail/trigger', { params: { message: 'bulk me', nonRetryable: true } });
  await page.goto(`${stack.server.url}/runs?tab=dead&job=demo:fail`);
  const row = page.locator('.runs-table tr', { has: page.getByTestId('run-link').filter({ hasText: `#${dead.id}` }) });
  await expect(row).toBeVisible();
  await row.getByRole('checkbox').check();
  await expect(page.getByTestId('bulk-retry')).toHaveText('Retry selected (1)');
  await page.getByTestId('bulk-retry').click();
  await expect(page.getByText('1 retried, 0 skipped')).toBeVisible();
  // The selection is cleared for the next batch.
  await expect(page.getByTestId('bulk-retry')).toHaveText('Retry selected (0)');
});
