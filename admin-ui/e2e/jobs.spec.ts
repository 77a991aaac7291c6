import { expect, test } from '@playwright/test';
import { startStack, type Stack } from './support/stack';

let stack: Stack;

test.beforeAll(async () => {
  stack = await startStack('jobs');
  await stack.startExecutor();
});

test.afterAll(async () => {
  await stack?.stop();
});

test.beforeEach(async ({ context }) => {
  await stack.signIn(context);
});

test('create a cron job: the schedule validates as you type and previews fire times in the job zone', async ({ page }) => {
  await page.goto(`${stack.server.url}/jobs`);
  await page.getByTestId('new-job').click();
  await expect(page).toHaveURL(/\/jobs\/new$/);

  await page.getByTestId('job-name').fill('every-fifteen');
  await page.getByTestId('job-handler').fill('demo.slow');
  await page.getByTestId('job-params').fill('{"ms": 10000, "steps": 10}');

  const expression = page.getByTestId('schedule-expression');
  await expression.fill('not a cron');
  await expect(page.getByTestId('schedule-error')).toBeVisible();

  await page.getByLabel('Time zone').fill('Asia/Shanghai');
  await expression.fill('*/15 * * * * ?');
  const preview = page.getByTestId('schedule-preview');
  await expect(preview).toContainText('Next fire times in Asia/Shanghai');
  await expect(preview.locator('li')).toHaveCount(5);
  await expect(preview.locator('li').first()).toContainText('+08:00');
  await expect(page.getByTestId('schedule-error')).toHaveCount(0);

  await page.getByTestId('job-save').click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByRole('heading', { name: 'demo:every-fifteen' })).toBeVisible();
});

test('watch the job fire and its log lines arrive live', async ({ page }) => {
  await page.goto(`${stack.server.url}/jobs/demo:every-fifteen`);
  // The job page polls its runs: the first fire shows up running within one period.
  const running = page.locator('.runs-table tr', { has: page.locator('[data-status="RUNNING"]') }).getByTestId('run-link');
  await expect(running.first()).toBeVisible({ timeout: 30_000 });
  await running.first().click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);

  const log = page.getByTestId('run-log');
  await expect(log).toContainText('step 1/10');
  const linesAtOpen = await log.locator('.log-line').count();
  expect(linesAtOpen).toBeLessThan(10);
  // The rest arrive over the /console socket while we stay on the page (no reload, no navigation).
  await expect(log).toContainText('step 10/10', { timeout: 20_000 });
  await expect(log.locator('.log-line')).toHaveCount(10);
  await expect(page.getByTestId('run-status')).toContainText('Succeeded');

  await stack.api.post('/jobs/demo:every-fifteen/disable');
});
