import { expect, test, type Locator, type Page } from '@playwright/test';
import { APP, startStack, type Stack } from './support/stack';
import { startWebhookSink, type WebhookSink } from './support/webhook-sink';

// Alerts, the dashboard and executors, on one stack. In order: draining the executor (last)
// stops it taking runs, which the other tests need.
test.describe.configure({ mode: 'serial' });

let stack: Stack;
let sink: WebhookSink;
const NONE = { type: 'NONE', expression: null, timezone: 'UTC' };
const HOOK_SECRET = 'sink-secret-42';

test.beforeAll(async () => {
  sink = await startWebhookSink();
  stack = await startStack('operations');
  await stack.startExecutor();
  await stack.api.post('/jobs', { app: APP, name: 'hello', handler: 'demo.hello', schedule: NONE });
  await stack.api.post('/jobs', { app: APP, name: 'alarm', handler: 'demo.fail', schedule: NONE, params: { message: 'alarm on purpose' }, retry: { maxAttempts: 1 } });
});

test.afterAll(async () => {
  await stack?.stop();
  await sink?.close();
});

test.beforeEach(async ({ context }) => {
  await stack.signIn(context);
});

/** Triggers a job through the API and waits until its run has ended; returns the run id. */
async function runToEnd(job: string): Promise<string> {
  const run = await stack.api.post<{ id: string }>(`/jobs/${job}/trigger`, {});
  await expect.poll(async () => (await stack.api.get<{ finishedAt: string | null }>(`/runs/${run.id}`)).finishedAt, { timeout: 20_000 }).not.toBeNull();
  return run.id;
}

/** The number a dashboard statistic shows, once it has loaded. */
async function statValue(stat: Locator): Promise<number> {
  await expect(stat).toHaveText(/\d/);
  return Number((await stat.innerText()).replace(/\D/g, ''));
}

/** Sums one series (e.g. "Succeeded") over the chart's bars, from each bar's tooltip. */
async function chartSum(page: Page, series: string): Promise<number> {
  const titles = await page.getByRole('figure', { name: 'Chart of ended runs per time bucket' }).locator('svg title').allTextContents();
  return titles.reduce((sum, title) => sum + Number(new RegExp(`${series} (\\d+)`).exec(title)?.[1] ?? 0), 0);
}

test('a webhook channel receives the alert of a job\'s dead run, and the history lists it', async ({ page }) => {
  await page.goto(`${stack.server.url}/alerts`);
  await page.getByRole('tab', { name: 'Channels' }).click();
  await expect(page).toHaveURL(/tab=channels/);
  await page.getByRole('button', { name: 'New channel' }).click();
  const form = page.getByRole('dialog', { name: 'New channel' });
  await form.getByLabel('Channel', { exact: true }).fill('ops-hook');
  await form.getByLabel('Settings (JSON)').fill(JSON.stringify({ url: `${sink.url}/baton`, secret: HOOK_SECRET }));
  await form.getByRole('button', { name: 'OK' }).click();
  await expect(form).toBeHidden();
  const channel = page.getByRole('row').filter({ hasText: 'ops-hook' });
  await expect(channel).toContainText('WEBHOOK');
  await expect(channel.getByRole('switch', { name: 'Enabled' })).toBeChecked();

  // Route the job's alerts to the channel.
  await page.goto(`${stack.server.url}/jobs/${APP}:alarm`);
  const routing = page.getByTestId('job-alerts');
  await expect(routing).toContainText('This job sends no alerts.');
  await page.getByTestId('job-alerts-edit').click();
  const routingForm = page.getByRole('dialog', { name: `Alerts of ${APP}:alarm` });
  // By keyboard: a click on an option can be lost while the channel list refreshes under it.
  await routingForm.getByLabel('Channels').fill('ops-hook');
  await routingForm.getByLabel('Channels').press('Enter');
  await expect(routingForm.getByText('ops-hook (WEBHOOK)')).toBeVisible();
  await expect(routingForm.getByLabel('Run dead')).toBeChecked();
  await routingForm.getByRole('button', { name: 'Save' }).click();
  await expect(routingForm).toBeHidden();
  await expect(routing).toContainText('ops-hook');

  // Make a run fail for good (one attempt): a RUN_DEAD alert goes to the sink.
  await page.getByTestId('job-trigger').click();
  await page.getByTestId('trigger-submit').click();
  await expect(page).toHaveURL(/\/runs\/\d+$/);
  const runId = /\/runs\/(\d+)$/.exec(page.url())![1]!;
  await expect(page.getByTestId('run-status')).toContainText('Dead');

  const hitsOfRun = () => sink.hits.filter((h) => (h.body as { runId?: string } | undefined)?.runId === runId);
  await expect.poll(() => hitsOfRun().length, { timeout: 20_000 }).toBe(1);
  const hit = hitsOfRun()[0]!;
  expect(hit.path).toBe('/baton');
  expect(hit.headers['x-baton-secret']).toBe(HOOK_SECRET);
  expect(hit.body).toMatchObject({ source: 'baton', kind: 'RUN_DEAD', jobKey: `${APP}:alarm`, status: 'FAILED' });
  expect((hit.body as { text: string }).text).toContain('alarm on purpose');

  await page.goto(`${stack.server.url}/alerts`);
  const alert = page.getByRole('row').filter({ has: page.getByRole('link', { name: `${APP}:alarm` }) });
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('Run dead');
  await expect(alert).toContainText('ops-hook');
  await expect(alert).toContainText('Sent');
  await expect(alert.getByRole('link', { name: `${APP}:alarm` })).toHaveAttribute('href', `/runs/${runId}`);
  // The filter narrows: no lost-run alert was sent.
  await page.getByLabel('Kind').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="Run lost"]').click();
  await expect(page).toHaveURL(/kind=RUN_LOST/);
  await expect(alert).toHaveCount(0);
});

test('the dashboard counts the runs that ended, in its totals and its chart', async ({ page }) => {
  await page.goto(`${stack.server.url}/`);
  const succeeded = page.getByTestId('stat-succeeded');
  const failed = page.getByTestId('stat-failed');
  const before = { succeeded: await statValue(succeeded), failed: await statValue(failed) };

  for (let i = 0; i < 3; i++) await runToEnd(`${APP}:hello`);
  await runToEnd(`${APP}:alarm`);

  // The rollup is written just after a run ends; reload until the page has read it.
  await expect(async () => {
    await page.reload();
    await expect(succeeded).toHaveText(new RegExp(`^\\D*${before.succeeded + 3}$`), { timeout: 2000 });
    await expect(failed).toHaveText(new RegExp(`^\\D*${before.failed + 1}$`), { timeout: 2000 });
  }).toPass({ timeout: 15_000 });
  // The chart draws the same rollups as the totals.
  expect(await chartSum(page, 'Succeeded')).toBe(before.succeeded + 3);
  expect(await chartSum(page, 'Failed')).toBe(before.failed + 1);
  await expect(page.getByTestId('stat-executors-online')).toHaveText(/^\D*1$/);
});

test('the demo executor is listed online with its handlers; drained from the console, it takes no new runs', async ({ page }) => {
  const instanceId = stack.executor!.match[1]!;
  await page.goto(`${stack.server.url}/executors`);
  const row = page.getByRole('row').filter({ has: page.locator(`[title="${instanceId}"]`) });
  await expect(row).toContainText('Online');
  await expect(row).toContainText(APP);
  for (const handler of ['demo.hello', 'demo.fail', 'demo.slow']) await expect(row).toContainText(handler);

  await row.getByRole('button', { name: 'Drain' }).click();
  await expect(page.getByText('The executor stops taking new runs.')).toBeVisible();
  // The list says so (from the executor's heartbeats), and there is nothing left to drain.
  await expect(row).toContainText('Draining');
  await expect(row.getByRole('button', { name: 'Drain' })).toHaveCount(0);

  // Proof that it drained: a new run waits, and says why.
  const run = await stack.api.post<{ id: string }>(`/jobs/${APP}:hello/trigger`, {});
  await page.goto(`${stack.server.url}/runs/${run.id}`);
  await expect(page.getByTestId('status-reason')).toContainText('draining');
  await expect(page.getByTestId('run-status')).not.toContainText('Succeeded');
});
