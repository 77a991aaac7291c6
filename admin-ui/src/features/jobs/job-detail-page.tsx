import { Alert, Card, Col, Descriptions, List, Row, Skeleton, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { DateTime, formatDuration } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { prettyJson } from '../../common/json';
import { PageHeader } from '../../common/page-header';
import { useT } from '../../i18n/i18n';
import { RunsTable } from '../runs/runs-table';
import { JobActions } from './job-actions';
import { JobAlertsCard } from './job-alerts-card';
import { scheduleSummary } from './jobs-page';
import { wallClock } from './schedule-field';

export function JobDetailPage() {
  const t = useT();
  const { job: ref } = useParams();
  const navigate = useNavigate();
  const job = useQuery({ queryKey: ['jobs', 'one', ref], queryFn: () => api.jobs.get(ref!) });
  const fires = useQuery({ queryKey: ['jobs', 'fires', ref, job.data?.version], queryFn: () => api.jobs.nextFireTimes(ref!, 5), enabled: !!job.data });
  const runs = useQuery({ queryKey: ['runs', 'job', ref], queryFn: () => api.runs.list({ job: ref, limit: 20 }), refetchInterval: 3000 });

  if (job.error) return <Alert type="error" showIcon title={errorText(job.error, t)} />;
  if (!job.data) return <Skeleton active />;
  const j = job.data;
  return (
    <>
      <PageHeader title={j.key} sub={j.description} extra={<JobActions job={j} size="middle" afterDelete={() => navigate('/jobs')} />} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={t('job.settings')}>
            <Descriptions column={{ xs: 1, md: 2 }} size="small">
              <Descriptions.Item label={t('job.app')}>{j.app}</Descriptions.Item>
              <Descriptions.Item label={t('job.handler')}>
                <code>{j.handler}</code>
              </Descriptions.Item>
              <Descriptions.Item label={t('job.schedule')}>
                <code>{scheduleSummary(j)}</code> ({j.schedule.timezone})
              </Descriptions.Item>
              <Descriptions.Item label={t('job.enabled')}>{j.enabled ? <Tag color="green">{t('job.enabledYes')}</Tag> : <Tag>{t('job.enabledNo')}</Tag>}</Descriptions.Item>
              <Descriptions.Item label={t('job.routeStrategy')}>{t(`routeStrategy.${j.routeStrategy}`)}</Descriptions.Item>
              <Descriptions.Item label={t('job.blockStrategy')}>{t(`blockStrategy.${j.blockStrategy}`)}</Descriptions.Item>
              <Descriptions.Item label={t('job.misfirePolicy')}>{t(`misfire.${j.misfire.policy}`)}</Descriptions.Item>
              <Descriptions.Item label={t('job.timeoutMs')}>{j.timeoutMs ? formatDuration(j.timeoutMs) : t('job.noTimeout')}</Descriptions.Item>
              <Descriptions.Item label={t('job.retryMaxAttempts')}>
                {j.retry.maxAttempts} ({t(`backoff.${j.retry.backoff}`)}, {formatDuration(j.retry.delayMs)})
              </Descriptions.Item>
              <Descriptions.Item label={t('job.owner')}>{j.owner || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('job.lastFire')}>
                <DateTime value={j.lastFireAt} zone={j.schedule.timezone} />
              </Descriptions.Item>
              <Descriptions.Item label={t('job.children')}>
                {j.children.length === 0 ? '—' : j.children.map((c) => <Tag key={c.job}>{`${c.job} (${t(`childOn.${c.on}`)})`}</Tag>)}
              </Descriptions.Item>
            </Descriptions>
            {j.params !== null && j.params !== undefined && <pre className="json-block">{prettyJson(j.params)}</pre>}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('job.upcoming', { zone: j.schedule.timezone })}>
            <List
              size="small"
              dataSource={fires.data?.fireTimes ?? []}
              locale={{ emptyText: j.enabled ? t('schedule.neverFires') : t('job.disabledNoFires') }}
              renderItem={(f) => <List.Item>{wallClock(f)}</List.Item>}
            />
          </Card>
          <div style={{ height: 16 }} />
          <JobAlertsCard job={j} />
        </Col>
        <Col span={24}>
          <Card title={t('job.recentRuns')} extra={<Link to={`/runs?job=${encodeURIComponent(j.key)}`}>{t('common.viewAll')}</Link>}>
            <RunsTable runs={runs.data?.items} loading={runs.isLoading} showJob={false} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
