import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { startStack, type Stack } from '../e2e/support/stack';

const IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));
let stack: Stack;

test.beforeAll(async () => {
  stack = await startStack('shots');
  await stack.startExecutor();
  const cron = (expression: string, timezone = 'Europe/Berlin') => ({ type: 'CRON', expression, timezone });
  const jobs = [
    { name: 'close-unpaid-orders', handler: 'demo.hello', schedule: cron('0 */5 * * * ?'), params: { name: 'orders' } },
    { name: 'nightly-report', handler: 'demo.slow', schedule: cron('0 30 2 * * ?', 'Asia/Shanghai'), params: { ms: 3000, steps: 6 } },
    { name: 'sync-inventory', handler: 'demo.hello', schedule: { type: 'FIXED_RATE', expression: 'PT10M', timezone: 'UTC' } },
    { name: 'send-receipts', handler: 'demo.fail', schedule: { type: 'NONE', expression: null, timezone: 'UTC' }, retry: { maxAttempts: 1 } },
  ];
  for (const job of jobs) await stack.api.post('/jobs', { app: 'demo', ...job });
  for (let i = 0; i < 6; i++) await stack.api.post('/jobs/demo:close-unpaid-orders/trigger', { params: { name: `order-${i}` } });
  await stack.api.post('/jobs/demo:send-receipts/trigger', { params: { message: 'SMTP server refused the connection' } });
});

test.afterAll(async () => {
  await stack?.stop();
});

test('dashboard and run detail', async ({ page, context }) => {
  await stack.signIn(context);
  await page.setViewportSize({ width: 1280, height: 800 });
  const run = await stack.api.post<{ id: string }>('/jobs/demo:nightly-report/trigger', {});

  await page.goto(`${stack.server.url}/runs/${run.id}`);
  await expect(page.getByTestId('run-status')).toContainText('Succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('run-log')).toContainText('step 6/6');
  await page.screenshot({ path: `${IMAGES}console-run.png` });

  await page.goto(`${stack.server.url}/`);
  await expect(page.getByText('demo:close-unpaid-orders').first()).toBeVisible();
  await expect(page.locator('.runs-chart rect').first()).toBeVisible();
  await page.screenshot({ path: `${IMAGES}console-dashboard.png` });
});
