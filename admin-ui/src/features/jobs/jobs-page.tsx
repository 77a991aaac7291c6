import { Button, Input, Select, Space, Table, Tag } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { SCHEDULE_TYPES, type JobDto, type ScheduleType } from '@baton/protocol';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth-context';
import { DateTime } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { PageHeader } from '../../common/page-header';
import { Pager } from '../../common/pager';
import { useUrlFilters } from '../../common/url-state';
import { useT } from '../../i18n/i18n';
import { JobActions } from './job-actions';
import { useAppOptions } from './use-apps';
import { Alert } from 'antd';

const FILTERS = ['q', 'app', 'enabled', 'scheduleType'] as const;

export function scheduleSummary(job: Pick<JobDto, 'schedule'>): string {
  return job.schedule.type === 'NONE' ? 'NONE' : `${job.schedule.type} ${job.schedule.expression ?? ''}`;
}

export function JobsPage() {
  const t = useT();
  const auth = useAuth();
  const navigate = useNavigate();
  const { values, cursor, set } = useUrlFilters(FILTERS);
  const appOptions = useAppOptions();
  const jobs = useQuery({
    queryKey: ['jobs', 'list', values, cursor],
    queryFn: () => api.jobs.list({ ...values, enabled: values.enabled as 'true' | 'false' | undefined, scheduleType: values.scheduleType as ScheduleType | undefined, cursor, limit: 50 }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title={t('nav.jobs')}
        extra={
          auth.can('manage') && (
            <Button type="primary" onClick={() => navigate('/jobs/new')} data-testid="new-job">
              {t('job.new')}
            </Button>
          )
        }
      />
      <Space wrap className="filters">
        <Input.Search
          allowClear
          aria-label={t('common.search')}
          placeholder={t('job.searchPlaceholder')}
          defaultValue={values.q}
          onSearch={(q) => set({ q })}
          style={{ width: 260 }}
        />
        <Select
          allowClear
          aria-label={t('job.app')}
          placeholder={t('job.app')}
          value={values.app}
          onChange={(app) => set({ app })}
          options={appOptions}
          style={{ width: 160 }}
        />
        <Select
          allowClear
          aria-label={t('job.enabled')}
          placeholder={t('job.enabled')}
          value={values.enabled}
          onChange={(enabled) => set({ enabled })}
          options={[
            { value: 'true', label: t('job.enabledYes') },
            { value: 'false', label: t('job.enabledNo') },
          ]}
          style={{ width: 140 }}
        />
        <Select
          allowClear
          aria-label={t('schedule.type')}
          placeholder={t('schedule.type')}
          value={values.scheduleType}
          onChange={(scheduleType) => set({ scheduleType })}
          options={SCHEDULE_TYPES.map((s) => ({ value: s, label: t(`scheduleType.${s}`) }))}
          style={{ width: 160 }}
        />
      </Space>
      {jobs.error && <Alert type="error" showIcon title={errorText(jobs.error, t)} />}
      <Table<JobDto>
        rowKey="id"
        size="middle"
        loading={jobs.isLoading}
        dataSource={jobs.data?.items}
        pagination={false}
        scroll={{ x: 900 }}
        columns={[
          { title: t('job.name'), key: 'name', render: (_, j) => <Link to={`/jobs/${j.id}`}>{j.key}</Link> },
          { title: t('job.handler'), dataIndex: 'handler', responsive: ['md'] },
          { title: t('job.schedule'), key: 'schedule', render: (_, j) => <code>{scheduleSummary(j)}</code> },
          { title: t('job.nextFire'), key: 'next', render: (_, j) => <DateTime value={j.nextFireAt} zone={j.schedule.timezone} /> },
          {
            title: t('job.enabled'),
            key: 'enabled',
            render: (_, j) => (j.enabled ? <Tag color="green">{t('job.enabledYes')}</Tag> : <Tag>{t('job.enabledNo')}</Tag>),
          },
          { title: t('common.actions'), key: 'actions', render: (_, j) => <JobActions job={j} /> },
        ]}
      />
      <Pager cursor={cursor} nextCursor={jobs.data?.nextCursor} onChange={(c) => set({ cursor: c })} />
    </>
  );
}
