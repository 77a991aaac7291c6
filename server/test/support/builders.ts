import { randomBytes } from 'node:crypto';
import type { AppWithTokenDto, CreateJobRequest, JobDto } from '@baton/protocol';
import type { ApiClient } from './test-server.js';

/** A name unique across tests and runs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function newApp(api: ApiClient, overrides: { name?: string; description?: string } = {}): Promise<AppWithTokenDto> {
  const res = await api.post('/apps', { name: overrides.name ?? uniqueName('app'), description: overrides.description });
  if (res.status !== 201) throw new Error(`newApp failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function newJob(api: ApiClient, overrides: Partial<CreateJobRequest> & { app: string }): Promise<JobDto> {
  const res = await api.post('/jobs', {
    name: uniqueName('job'),
    handler: 'test.noop',
    schedule: { type: 'CRON', expression: '0 0 * * * ?', timezone: 'UTC' },
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`newJob failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
