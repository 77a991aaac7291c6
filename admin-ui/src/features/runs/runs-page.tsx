import { useState } from 'react';
import { Alert, App, Button, DatePicker, Input, Select, Space, Tabs } from 'antd';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { RUN_STATUSES, TRIGGER_TYPES, type RunStatus, type TriggerType } from '@baton/protocol';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth-context';
import { errorText } from '../../common/error-text';
import { PageHeader } from '../../common/page-header';
import { Pager } from '../../common/pager';
import { useUrlFilters } from '../../common/url-state';
import { useNotify } from '../../common/use-notify';
import { useT } from '../../i18n/i18n';
import { useAppOptions } from '../jobs/use-apps';
import { RunsTable } from './runs-table';

const FILTERS = ['tab', 'app', 'job', 'status', 'triggerType', 'from', 'to'] as const;

/** Runs with filters in the URL, keyset paging, and the dead-letter list with bulk retry. */
export function RunsPage() {
  const t = useT();
  const auth = useAuth();
  const notify = useNotify();
  const { modal } = App.useApp();
  const client = useQueryClient();
  const { values, cursor, set } = useUrlFilters(FILTERS);
  const dead = values.tab === 'dead';
  const appOptions = useAppOptions();
  const [selected, setSelected] = useState<string[]>([]);
  const query = {
    app: values.app,
    job: values.job,
    status: dead ? undefined : (values.status as RunStatus | undefined),
    triggerType: values.triggerType as TriggerType | undefined,
    from: values.from,
    to: values.to,
    dead: dead ? ('true' as const) : undefined,
    cursor,
    limit: 50,
  };
  const runs = useQuery({ queryKey: ['runs', 'list', query], queryFn: () => api.runs.list(query), placeholderData: keepPreviousData, refetchInterval: 5000 });
  const retry = useMutation({
    mutationFn: (ids: string[]) => api.runs.retryMany({ ids }),
    onSuccess: (res) => {
      setSelected([]);
      notify.ok(t('runs.bulkRetried', { retried: res.retried.length, skipped: res.skipped.length }));
      if (res.skipped.length > 0) modal.info({ title: t('runs.skippedTitle'), content: res.skipped.map((s) => `#${s.runId}: ${s.reason}`).join('\n') });
      void client.invalidateQueries({ queryKey: ['runs'] });
    },
    onError: notify.error,
  });
  const canRetry = auth.can('manage');

  return (
    <>
      <PageHeader title={t('nav.runs')} />
      <Tabs
        activeKey={dead ? 'dead' : 'all'}
        onChange={(k) => set({ tab: k === 'dead' ? 'dead' : undefined, status: undefined })}
        items={[
          { key: 'all', label: t('runs.allTab') },
          { key: 'dead', label: <span data-testid="dead-tab">{t('runs.deadTab')}</span> },
        ]}
      />
      <Space wrap className="filters">
        <Select
          allowClear
          aria-label={t('job.app')}
          placeholder={t('job.app')}
          value={values.app}
          onChange={(app) => set({ app })}
          options={appOptions}
          style={{ width: 150 }}
        />
        <Input.Search allowClear aria-label={t('run.job')} placeholder={t('runs.jobPlaceholder')} defaultValue={values.job} onSearch={(job) => set({ job })} style={{ width: 220 }} />
        {!dead && (
          <Select
            allowClear
            aria-label={t('run.status')}
            placeholder={t('run.status')}
            value={values.status}
            onChange={(status) => set({ status })}
            options={RUN_STATUSES.map((s) => ({ value: s, label: t(`runStatus.${s}`) }))}
            style={{ width: 150 }}
            data-testid="status-filter"
          />
        )}
        <Select
          allowClear
          aria-label={t('run.trigger')}
          placeholder={t('run.trigger')}
          value={values.triggerType}
          onChange={(triggerType) => set({ triggerType })}
          options={TRIGGER_TYPES.map((s) => ({ value: s, label: t(`triggerType.${s}`) }))}
          style={{ width: 150 }}
        />
        <DatePicker.RangePicker
          showTime
          aria-label={t('runs.timeRange')}
          value={[values.from ? dayjs(values.from) : null, values.to ? dayjs(values.to) : null]}
          onChange={(range) => set({ from: range?.[0]?.toISOString(), to: range?.[1]?.toISOString() })}
        />
        {dead && canRetry && (
          <Button type="primary" disabled={selected.length === 0} loading={retry.isPending} onClick={() => retry.mutate(selected)} data-testid="bulk-retry">
            {t('runs.retrySelected', { count: selected.length })}
          </Button>
        )}
      </Space>
      {runs.error && <Alert type="error" showIcon title={errorText(runs.error, t)} />}
      <RunsTable
        runs={runs.data?.items}
        loading={runs.isLoading}
        selection={dead && canRetry ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) } : undefined}
      />
      <Pager cursor={cursor} nextCursor={runs.data?.nextCursor} onChange={(c) => set({ cursor: c })} />
    </>
  );
}
