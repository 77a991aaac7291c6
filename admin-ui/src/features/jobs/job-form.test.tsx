import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { JobDto } from '@baton/protocol';
import { renderWithProviders } from '../../test/render';
import { JobForm } from './job-form';
import { defaultJobFormValues, type JobFormValues, formValuesToCreateRequest, jobToFormValues, ParamsJsonError, updateRequestFor } from './job-form-model';
import { triggerRequestFor } from './trigger-dialog';

const JOB: JobDto = {
  id: '12',
  key: 'billing:close',
  appId: '1',
  app: 'billing',
  name: 'close',
  handler: 'order.close',
  description: 'Closes orders',
  owner: 'ops',
  schedule: { type: 'CRON', expression: '0 */5 * * * ?', timezone: 'Europe/Berlin' },
  misfire: { policy: 'FIRE_ONCE', thresholdMs: 5000, catchUpLimit: 10 },
  routeStrategy: 'ROUND_ROBIN',
  blockStrategy: 'SERIAL',
  timeoutMs: 60000,
  retry: { maxAttempts: 3, backoff: 'EXPONENTIAL', delayMs: 1000, maxDelayMs: 60000, jitter: 0.2, retryOn: ['FAILED'] },
  params: { olderThanMinutes: 30 },
  children: [{ job: 'billing:receipts', on: 'SUCCESS' }],
  enabled: true,
  nextFireAt: null,
  lastFireAt: null,
  retentionDays: null,
  version: 4,
  createdAt: '2026-11-21T00:00:00.000Z',
  updatedAt: '2026-11-21T00:00:00.000Z',
};

describe('job form model', () => {
  it('maps the form to a create request', () => {
    const v = { ...defaultJobFormValues('Asia/Shanghai'), app: 'demo', name: ' nightly ', handler: 'demo.hello', params: '{"a": 1}', children: [{ job: 'demo:next', on: 'ALWAYS' as const }, { job: ' ', on: 'SUCCESS' as const }] };
    expect(formValuesToCreateRequest(v)).toMatchObject({
      app: 'demo',
      name: 'nightly',
      handler: 'demo.hello',
      schedule: { type: 'CRON', expression: '0 * * * * ?', timezone: 'Asia/Shanghai' },
      misfire: { policy: 'FIRE_ONCE', thresholdMs: 5000 },
      retry: { maxAttempts: 1, backoff: 'EXPONENTIAL', delayMs: 1000 },
      params: { a: 1 },
      children: [{ job: 'demo:next', on: 'ALWAYS' }],
      enabled: true,
    });
  });

  it('sends a null expression for NONE and null params when the field is empty', () => {
    const req = formValuesToCreateRequest({ ...defaultJobFormValues('UTC'), schedule: { type: 'NONE', expression: 'left over', timezone: 'UTC' }, params: '  ' });
    expect(req.schedule.expression).toBeNull();
    expect(req.params).toBeNull();
  });

  it('refuses params that are not JSON', () => {
    expect(() => formValuesToCreateRequest({ ...defaultJobFormValues('UTC'), params: '{oops' })).toThrow(ParamsJsonError);
  });

  it('patches only what changed, with the version read', () => {
    const unchanged = updateRequestFor(JOB, jobToFormValues(JOB));
    expect(unchanged).toEqual({ version: 4 });
    const v = jobToFormValues(JOB);
    v.schedule = { ...v.schedule, expression: '0 0 * * * ?' };
    v.retryMaxAttempts = 5;
    expect(updateRequestFor(JOB, v)).toEqual({
      version: 4,
      schedule: { type: 'CRON', expression: '0 0 * * * ?', timezone: 'Europe/Berlin' },
      retry: { maxAttempts: 5, backoff: 'EXPONENTIAL', delayMs: 1000 },
    });
  });
});

describe('trigger form', () => {
  it('builds the trigger request', () => {
    expect(triggerRequestFor({ params: '', delay: '', idempotencyKey: '' })).toEqual({});
    expect(triggerRequestFor({ params: '{"orderId": 42}', delay: 'PT30M', idempotencyKey: ' close-42 ' })).toEqual({ params: { orderId: 42 }, delay: 'PT30M', idempotencyKey: 'close-42' });
    expect(triggerRequestFor({ params: 'null', delay: '1500', idempotencyKey: '' })).toEqual({ params: null, delay: 1500 });
    expect(() => triggerRequestFor({ params: '{', delay: '', idempotencyKey: '' })).toThrow();
  });
});

describe('JobForm', () => {
  const preview = vi.fn(async () => ({ timezone: 'UTC', fireTimes: ['2026-01-01T00:00:00.000Z'] }));

  it('requires name and handler before it submits', async () => {
    const onSubmit = vi.fn(async () => undefined);
    renderWithProviders(<JobForm initialValues={{ ...defaultJobFormValues('UTC'), app: 'demo' }} apps={['demo']} editing={false} onSubmit={onSubmit} preview={preview} />);
    fireEvent.click(screen.getByTestId('job-save'));
    await waitFor(() => expect(screen.getAllByText('Required')).toHaveLength(2));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('refuses params that are not JSON, in words', async () => {
    const onSubmit = vi.fn(async () => undefined);
    renderWithProviders(<JobForm initialValues={{ ...defaultJobFormValues('UTC'), app: 'demo', name: 'n', handler: 'h' }} apps={['demo']} editing={false} onSubmit={onSubmit} preview={preview} />);
    fireEvent.change(screen.getByTestId('job-params'), { target: { value: '{"a":' } });
    fireEvent.click(screen.getByTestId('job-save'));
    expect(await screen.findByText(/^Not valid JSON/)).toBeInTheDocument();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('submits the values and shows the server\'s refusal', async () => {
    const onSubmit = vi.fn(async (_values: JobFormValues) => {
      throw new Error('A job named n already exists in app demo.');
    });
    renderWithProviders(<JobForm initialValues={{ ...defaultJobFormValues('UTC'), app: 'demo' }} apps={['demo']} editing={false} onSubmit={onSubmit} preview={preview} />);
    fireEvent.change(screen.getByTestId('job-name'), { target: { value: 'n' } });
    fireEvent.change(screen.getByTestId('job-handler'), { target: { value: 'demo.hello' } });
    await act(async () => fireEvent.click(screen.getByTestId('job-save')));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ app: 'demo', name: 'n', handler: 'demo.hello', schedule: { type: 'CRON' } });
    expect(await screen.findByTestId('form-error')).toHaveTextContent('A job named n already exists in app demo.');
  });

  it('keeps the app fixed when editing', () => {
    renderWithProviders(<JobForm initialValues={jobToFormValues(JOB)} apps={['billing']} editing onSubmit={vi.fn()} preview={preview} />);
    expect(screen.getByTestId('job-save')).toHaveTextContent('Save');
    expect(screen.getByTestId('job-app').querySelector('input')).toBeDisabled();
  });
});
