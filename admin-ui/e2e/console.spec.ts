import { expect, test } from '@playwright/test';
import { startStack, type Stack } from './support/stack';

let stack: Stack;
const VIEWER = { email: 'viewer@example.com', password: 'Viewer-Password-42' };

test.beforeAll(async () => {
  stack = await startStack('console');
  await stack.startExecutor();
  await stack.api.post('/jobs', { app: 'demo', name: 'report', handler: 'demo.hello', schedule: { type: 'CRON', expression: '0 0 3 * * ?', timezone: 'Europe/Berlin' } });
  await stack.api.post('/jobs/demo:report/trigger', { params: { name: 'viewer' } });
  await stack.api.post('/users', { email: VIEWER.email, password: VIEWER.password, role: 'viewer', apps: ['demo'] });
});

test.afterAll(async () => {
  await stack?.stop();
});

test('switch to Chinese, and the choice is remembered after a reload', async ({ page, context }) => {
  await stack.signIn(context);
  await page.goto(`${stack.server.url}/jobs`);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Jobs' })).toBeVisible();

  await page.getByTestId('language-switch').click();
  await page.locator('.ant-select-item-option[title="简体中文"]').click();
  await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '任务' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '任务' })).toBeVisible();
  await expect(page.getByTestId('new-job')).toHaveText('新建任务');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await page.reload();
  await expect(page.getByRole('heading', { name: '任务' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: '下次触发' })).toBeVisible();

  await page.getByTestId('language-switch').click();
  await page.locator('.ant-select-item-option[title="English"]').click();
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
});

test('console routes load from their URL, while API, probe and asset paths keep their own answers', async ({ page, context }) => {
  await stack.signIn(context);
  await page.goto(`${stack.server.url}/runs?status=SUCCEEDED`);
  await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible();
  await expect(page.getByTestId('status-filter')).toContainText('Succeeded');

  const html = { accept: 'text/html' };
  const api = await fetch(`${stack.server.url}/api/v1/no-such-route`, { headers: html });
  expect(api.status).toBe(404);
  expect(await api.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  expect((await fetch(`${stack.server.url}/healthz`, { headers: html })).headers.get('content-type')).toContain('application/json');
  expect((await fetch(`${stack.server.url}/assets/missing.js`, { headers: html })).status).toBe(404);
});

test('on a narrow window the navigation moves into a drawer', async ({ page, context }) => {
  await stack.signIn(context);
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${stack.server.url}/`);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main navigation' })).toHaveCount(0);
  await page.getByTestId('open-nav').click();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Cluster' }).click();
  await expect(page).toHaveURL(/\/cluster$/);
  await expect(page.getByTestId('cluster-leader')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main navigation' })).toBeHidden();
});

test('the keyboard reaches the page: skip link, then the page\'s own controls', async ({ page, context }) => {
  await stack.signIn(context);
  await page.goto(`${stack.server.url}/jobs`);
  await expect(page.getByRole('link', { name: 'demo:report' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  const newJob = page.getByTestId('new-job');
  for (let presses = 0; presses < 10 && !(await newJob.evaluate((el) => el === document.activeElement)); presses++) await page.keyboard.press('Tab');
  await expect(newJob).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/jobs\/new$/);
});

test('an admin sees the edit buttons', async ({ page, context }) => {
  await stack.signIn(context);
  await page.goto(`${stack.server.url}/jobs/demo:report`);
  await expect(page.getByTestId('job-edit')).toBeVisible();
  await expect(page.getByTestId('job-trigger')).toBeVisible();
  await expect(page.getByTestId('job-delete')).toBeVisible();
});

test('a viewer signs in and cannot see the edit buttons', async ({ page }) => {
  await page.goto(`${stack.server.url}/jobs`);
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email').fill(VIEWER.email);
  await page.getByLabel('Password').fill(VIEWER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/jobs$/);

  await expect(page.getByRole('link', { name: 'demo:report' })).toBeVisible();
  await expect(page.getByTestId('new-job')).toHaveCount(0);
  await expect(page.getByTestId('job-edit')).toHaveCount(0);
  await expect(page.getByTestId('job-trigger')).toHaveCount(0);

  await page.getByRole('link', { name: 'demo:report' }).click();
  await expect(page.getByRole('heading', { name: 'demo:report' })).toBeVisible();
  await expect(page.getByTestId('run-link').first()).toBeVisible();
  for (const id of ['job-edit', 'job-trigger', 'job-toggle', 'job-copy', 'job-delete']) await expect(page.getByTestId(id)).toHaveCount(0);

  await page.getByTestId('run-link').first().click();
  await expect(page.getByTestId('run-status')).toContainText('Succeeded');
  await expect(page.getByTestId('run-retry')).toHaveCount(0);
  await expect(page.getByTestId('run-kill')).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
});
