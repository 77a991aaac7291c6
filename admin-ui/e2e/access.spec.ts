import { expect, test, type Page } from '@playwright/test';
import { ADMIN, APP, startStack, type Stack } from './support/stack';

// Users, API keys and the audit log, driven as an admin would. The tests run in order: the audit
// test looks for what the first two did.
test.describe.configure({ mode: 'serial' });

let stack: Stack;
const OPERATOR = { email: 'olga@example.com', name: 'Olga Operator', password: 'Operator-Password-42' };
/** An app the operator is not granted. */
const OTHER_APP = 'ops';
/** Filled in by the tests, read by the audit test. */
const ids = { user: '', key: '' };

test.beforeAll(async () => {
  stack = await startStack('access');
  // No executor: nothing here runs a job.
  const none = { type: 'NONE', expression: null, timezone: 'UTC' };
  for (const app of [APP, OTHER_APP]) await stack.api.post('/apps', { name: app });
  await stack.api.post('/jobs', { app: APP, name: 'report', handler: 'demo.hello', schedule: none });
  await stack.api.post('/jobs', { app: OTHER_APP, name: 'nightly', handler: 'ops.nightly', schedule: none });
});

test.afterAll(async () => {
  await stack?.stop();
});

test.beforeEach(async ({ context }) => {
  await stack.signIn(context);
});

/** Picks an option of the antd select that is open now. */
async function pickOption(page: Page, title: string) {
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${title}"]`).click();
}

async function signInThroughForm(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an admin adds an operator for one app; the operator sees only that app; disabling ends the session', async ({ page, browser }) => {
  await page.goto(`${stack.server.url}/users`);
  await page.getByTestId('new-user').click();
  const form = page.getByRole('dialog', { name: 'New user' });
  await page.getByTestId('user-email').fill(OPERATOR.email);
  await form.getByLabel('Display name').fill(OPERATOR.name);
  await page.getByTestId('user-role').click();
  await pickOption(page, 'Operator');
  await page.getByTestId('user-apps').click();
  await pickOption(page, APP);
  await page.getByTestId('user-password').fill(OPERATOR.password);
  await form.getByRole('button', { name: 'OK' }).click();

  const row = page.getByRole('row').filter({ hasText: OPERATOR.email });
  await expect(row).toContainText('Operator');
  await expect(row).toContainText(APP);
  await expect(row).not.toContainText(OTHER_APP);
  await expect(row).toContainText('Active');
  const users = await stack.api.get<{ items: Array<{ id: string; email: string }> }>('/users');
  ids.user = users.items.find((u) => u.email === OPERATOR.email)!.id;

  // The operator, in a browser of their own.
  const operatorContext = await browser.newContext();
  try {
    const op = await operatorContext.newPage();
    await op.goto(`${stack.server.url}/jobs`);
    await expect(op).toHaveURL(/\/login$/);
    await signInThroughForm(op, OPERATOR.email, OPERATOR.password);
    await expect(op).toHaveURL(/\/jobs$/);
    await expect(op.getByRole('link', { name: `${APP}:report` })).toBeVisible();
    await expect(op.getByRole('link', { name: `${OTHER_APP}:nightly` })).toHaveCount(0);
    const nav = op.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav.getByRole('link', { name: 'API keys' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);

    await op.getByRole('link', { name: `${APP}:report` }).click();
    await expect(op.getByRole('heading', { name: `${APP}:report` })).toBeVisible();
    await expect(op.getByTestId('job-edit')).toBeVisible();
    await expect(op.getByTestId('job-trigger')).toBeVisible();

    // Outside the grant: no job page, no buttons; the admin pages say no.
    await op.goto(`${stack.server.url}/jobs/${OTHER_APP}:nightly`);
    await expect(op.getByRole('alert')).toBeVisible();
    await expect(op.getByRole('heading', { name: `${OTHER_APP}:nightly` })).toHaveCount(0);
    await expect(op.getByTestId('job-edit')).toHaveCount(0);
    await op.goto(`${stack.server.url}/users`);
    await expect(op.getByRole('alert')).toContainText('Your role does not allow this.');
    await expect(op.getByTestId('new-user')).toHaveCount(0);

    // The admin disables the user: the operator's next request is refused and leads to sign-in.
    await op.goto(`${stack.server.url}/jobs`);
    await expect(op.getByRole('link', { name: `${APP}:report` })).toBeVisible();
    await row.getByRole('button', { name: 'Disable' }).click();
    await expect(row).toContainText('Disabled');
    await nav.getByRole('link', { name: 'Runs' }).click();
    await expect(op).toHaveURL(/\/login$/);
    await signInThroughForm(op, OPERATOR.email, OPERATOR.password);
    await expect(op.getByRole('alert')).toBeVisible();
    await expect(op).toHaveURL(/\/login$/);
  } finally {
    await operatorContext.close();
  }

  await row.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: `Delete user ${OPERATOR.email}?` }).getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByRole('row').filter({ hasText: ADMIN.email })).toBeVisible();
});

test('an API key is shown once, works with its scopes and apps, and stops working when revoked', async ({ page }) => {
  await page.goto(`${stack.server.url}/api-keys`);
  await page.getByRole('button', { name: 'New API key' }).click();
  const form = page.getByRole('dialog', { name: 'New API key' });
  await form.getByLabel('Name').fill('ci-reader');
  await form.getByLabel('Trigger').uncheck();
  await form.getByLabel('Read').check();
  await form.getByLabel('Apps').click();
  await pickOption(page, APP);
  await form.getByRole('button', { name: 'Create' }).click();

  const shown = page.getByTestId('api-key-secret');
  await expect(shown).toHaveText(/bk_[A-Za-z0-9_-]{43}/);
  const secret = /bk_[A-Za-z0-9_-]{43}/.exec(await shown.innerText())![0];
  const bearer = { authorization: `Bearer ${secret}`, accept: 'application/json' };

  // Read on its app works; other apps stay out of sight; triggering is outside its scopes.
  const jobs = await fetch(`${stack.server.url}/api/v1/jobs`, { headers: bearer });
  expect(jobs.status).toBe(200);
  const keysSeen = ((await jobs.json()) as { items: Array<{ key: string }> }).items.map((j) => j.key);
  expect(keysSeen).toEqual([`${APP}:report`]);
  const trigger = await fetch(`${stack.server.url}/api/v1/jobs/${APP}:report/trigger`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{}' });
  expect(trigger.status).toBe(403);

  await page.getByRole('dialog', { name: 'Your new API key' }).getByRole('button', { name: 'OK' }).click();
  await expect(page.getByRole('dialog', { name: 'Your new API key' })).toBeHidden();
  const row = page.getByRole('row').filter({ hasText: 'ci-reader' });
  await expect(row).toContainText(`${secret.slice(0, 11)}…`);
  await expect(row).toContainText('Read');
  await expect(row).toContainText(APP);
  // Shown once: the list has the prefix only.
  await expect(page.getByText(secret)).toHaveCount(0);
  const keys = await stack.api.get<{ items: Array<{ id: string; name: string }> }>('/api-keys');
  ids.key = keys.items.find((k) => k.name === 'ci-reader')!.id;

  await row.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog', { name: /Revoke key ci-reader\?/ }).getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');
  const refused = await fetch(`${stack.server.url}/api/v1/jobs`, { headers: bearer });
  expect(refused.status).toBe(401);
  expect(await refused.text()).toContain('revoked');
});

test('the audit log lists those changes with who did them to what, and its filter narrows them', async ({ page }) => {
  await page.goto(`${stack.server.url}/audit`);
  const rowOf = (action: string) => page.getByRole('row').filter({ has: page.locator('code', { hasText: new RegExp(`^${action.replace('.', '\\.')}$`) }) });
  for (const [action, target] of [
    ['user.create', `user ${ids.user}`],
    ['user.update', `user ${ids.user}`],
    ['user.delete', `user ${ids.user}`],
    ['api_key.create', `api_key ${ids.key}`],
    ['api_key.revoke', `api_key ${ids.key}`],
  ] as const) {
    await expect(rowOf(action)).toHaveCount(1);
    await expect(rowOf(action)).toContainText(ADMIN.email);
    await expect(rowOf(action)).toContainText(target);
  }
  // The operator's own sign-in is theirs, not the admin's.
  await expect(rowOf('auth.login').filter({ hasText: OPERATOR.email })).toHaveCount(1);

  const action = page.getByLabel('Action', { exact: true });
  await action.fill('user.update');
  await action.press('Enter');
  await expect(page).toHaveURL(/action=user\.update/);
  await expect(rowOf('api_key.create')).toHaveCount(0);
  await expect(rowOf('user.create')).toHaveCount(0);
  const update = rowOf('user.update');
  await expect(update).toHaveCount(1);
  // Its details say what changed: the user was disabled.
  await update.getByRole('button', { name: /expand/i }).click();
  await expect(page.locator('pre.json-block')).toContainText('"disabled": true');
  await expect(page.locator('pre.json-block')).toContainText(OPERATOR.email);
});
