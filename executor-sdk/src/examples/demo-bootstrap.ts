/**
 * One-shot bootstrap for the compose demo (`docker-compose --profile demo up`): seeds the demo
 * app and jobs, and writes the app's executor token to BATON_TOKEN_FILE for the demo executor.
 *
 * Environment: BATON_URL (default http://localhost:8080), BATON_APP (default demo),
 * BATON_ADMIN_EMAIL / BATON_ADMIN_PASSWORD (the admin it signs in as),
 * BATON_TOKEN_FILE (required). A token already in the file is kept when the app exists, so
 * running the bootstrap again does not invalidate a running executor's token.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { seedDemo } from './demo-seed.js';

async function main(): Promise<void> {
  const tokenFile = process.env.BATON_TOKEN_FILE;
  if (!tokenFile) throw new Error('BATON_TOKEN_FILE is required');
  const email = process.env.BATON_ADMIN_EMAIL;
  const password = process.env.BATON_ADMIN_PASSWORD;
  const knownToken = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() || undefined : undefined;
  const result = await seedDemo({
    url: process.env.BATON_URL || 'http://localhost:8080',
    app: process.env.BATON_APP || 'demo',
    admin: email && password ? { email, password } : undefined,
    knownToken,
  });
  if (result.tokenSource !== 'known') writeFileSync(tokenFile, `${result.token}\n`, { mode: 0o600 });
  console.log(
    `DEMO_BOOTSTRAP_DONE app=${result.app} token=${result.tokenSource} created=${result.createdJobs.join(',') || '-'} existing=${result.existingJobs.join(',') || '-'}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
