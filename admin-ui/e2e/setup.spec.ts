import { expect, test } from '@playwright/test';
import { ADMIN, startStack, type Stack } from './support/stack';

let stack: Stack;

test.beforeAll(async () => {
  // No unattended admin: the server starts in first-run state and logs a setup link.
  stack = await startStack('setup', { unattendedAdmin: false });
});

test.afterAll(async () => {
  await stack?.stop();
});

test('first-run setup with the link from the server log, then sign out and in again', async ({ page }) => {
  const token = /\/setup\?token=([A-Za-z0-9_.~%-]+)/.exec(stack.server.output())?.[1];
  expect(token, 'the server logs a /setup?token= link').toBeTruthy();

  // Any page sends a fresh install to setup.
  await page.goto(`${stack.server.url}/jobs`);
  await expect(page).toHaveURL(/\/setup/);

  await page.goto(`${stack.server.url}/setup?token=${token}`);
  await expect(page.getByLabel('Setup token')).toHaveValue(decodeURIComponent(token!));
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Display name').fill('First Admin');
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();

  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('user-menu')).toContainText('First Admin');

  await page.getByTestId('user-menu').click();
  await page.getByText('Sign out').click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('wrong-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();

  // The setup link is single-use.
  await page.goto(`${stack.server.url}/setup?token=${token}`);
  await expect(page).not.toHaveURL(/\/setup/);
});
