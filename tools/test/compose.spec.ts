import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// docker-compose.yml must stay valid for Debian's docker-compose v1 (1.29), which validates
// offline with `config -q` (there is no Docker engine in CI). .ci/run installs it.
const composeFile = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));
const REQUIRED = { MYSQL_ROOT_PASSWORD: 'rootpw1', BATON_ADMIN_EMAIL: 'admin@example.test', BATON_ADMIN_PASSWORD: 'adminpw1' };

let scratch: string;
let emptyEnvFile: string;

beforeAll(() => {
  const probe = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
  if (probe.error) {
    throw new Error(
      'docker-compose is not installed, so docker-compose.yml cannot be validated. Install Debian\'s v1: ' +
        '`apt-get install -y --no-install-recommends docker-compose` (.ci/run does this).',
    );
  }
  scratch = mkdtempSync(join(tmpdir(), 'baton-compose-'));
  // An explicit empty env file, so a developer's .env next to the compose file cannot change the outcome.
  emptyEnvFile = join(scratch, 'empty.env');
  writeFileSync(emptyEnvFile, '');
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs docker-compose with exactly `vars` (plus PATH/HOME) in its environment. */
function compose(args: string[], vars: Record<string, string>) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, ...vars };
  const result = spawnSync('docker-compose', ['--env-file', emptyEnvFile, '-f', composeFile, ...args], { encoding: 'utf8', env, timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('docker-compose.yml', () => {
  it('passes `docker-compose config -q` with the required variables set, with and without the demo profile', () => {
    for (const args of [['config', '-q'], ['--profile', 'demo', 'config', '-q']]) {
      const result = compose(args, REQUIRED);
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    }
  });

  it('puts the secrets from the environment into the services, with no defaults of its own', () => {
    const result = compose(['--profile', 'demo', 'config'], REQUIRED);
    expect(result.status).toBe(0);
    expect(result.output).toContain('DATABASE_URL: mysql://root:rootpw1@mysql:3306/baton');
    expect(result.output).toContain('BATON_ADMIN_EMAIL: admin@example.test');
    expect(result.output).toContain('BATON_ADMIN_PASSWORD: adminpw1');
    for (const service of ['mysql:', 'server:', 'demo-bootstrap:', 'demo-executor:']) expect(result.output).toContain(service);
    expect(result.output).toContain('condition: service_healthy');
    expect(result.output).toContain('condition: service_completed_successfully');
  });

  it.each(Object.keys(REQUIRED))('fails with a message naming %s when it is missing', (name) => {
    const vars: Record<string, string> = { ...REQUIRED };
    delete vars[name];
    const result = compose(['config', '-q'], vars);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`set ${name}`);
  });

  it('treats an empty value like a missing one', () => {
    const result = compose(['config', '-q'], { ...REQUIRED, MYSQL_ROOT_PASSWORD: '' });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('set MYSQL_ROOT_PASSWORD');
  });
});
