import { Table, Tag } from 'antd';
import type { TableRowSelection } from 'antd/es/table/interface';
import { Link } from 'react-router';
import type { RunDto } from '@baton/protocol';
import { DateTime, formatDuration } from '../../common/date-time';
import { RunStatusTag } from '../../common/status-tag';
import { useT } from '../../i18n/i18n';

export function runDurationMs(run: Pick<RunDto, 'startedAt' | 'finishedAt'>): number | null {
  if (!run.startedAt || !run.finishedAt) return null;
  return new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime();
}

export function RunsTable({ runs, loading, selection, showJob = true }: { runs: RunDto[] | undefined; loading?: boolean; selection?: TableRowSelection<RunDto>; showJob?: boolean }) {
  const t = useT();
  return (
    <Table<RunDto>
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={runs}
      pagination={false}
      rowSelection={selection}
      scroll={{ x: 900 }}
      className="runs-table"
      columns={[
        { title: t('run.id'), key: 'id', render: (_, r) => <Link to={`/runs/${r.id}`} data-testid="run-link">#{r.id}</Link> },
        ...(showJob ? [{ title: t('run.job'), key: 'job', render: (_: unknown, r: RunDto) => (r.jobKey ? <Link to={`/jobs/${r.jobId}`}>{r.jobKey}</Link> : <span className="muted">{t('run.jobDeleted')}</span>) }] : []),
        { title: t('run.status'), key: 'status', render: (_, r) => <RunStatusTag status={r.status} dead={r.dead} /> },
        { title: t('run.trigger'), key: 'trigger', render: (_, r) => <Tag>{t(`triggerType.${r.triggerType}`)}</Tag> },
        { title: t('run.attempt'), dataIndex: 'attempt', responsive: ['md'] },
        { title: t('run.scheduledAt'), key: 'scheduledAt', render: (_, r) => <DateTime value={r.scheduledAt} /> },
        { title: t('run.duration'), key: 'duration', responsive: ['md'], render: (_, r) => formatDuration(runDurationMs(r)) },
      ]}
    />
  );
}
