import { Alert, Card, Col, List, Row, Segmented, Statistic, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { DateTime } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { PageHeader } from '../../common/page-header';
import { useT } from '../../i18n/i18n';
import { RunsChart } from './runs-chart';

const RANGES = { '24h': { hours: 24, bucket: 'hour' }, '7d': { hours: 24 * 7, bucket: 'hour' }, '30d': { hours: 24 * 30, bucket: 'day' } } as const;
type Range = keyof typeof RANGES;

export function DashboardPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const range: Range = (params.get('range') as Range) in RANGES ? (params.get('range') as Range) : '24h';
  const { hours, bucket } = RANGES[range];
  const stats = useQuery({
    queryKey: ['stats', range],
    queryFn: () => api.stats.get({ from: new Date(Date.now() - hours * 3600_000).toISOString(), bucket }),
    refetchInterval: 30_000,
  });
  const running = useQuery({ queryKey: ['runs', 'running'], queryFn: () => api.runs.list({ status: 'RUNNING', limit: 200 }), refetchInterval: 5000 });
  const upcoming = useQuery({ queryKey: ['jobs', 'upcoming'], queryFn: () => api.jobs.list({ enabled: 'true', limit: 200 }), refetchInterval: 15_000 });
  const executors = useQuery({ queryKey: ['executors', 'all'], queryFn: () => api.executors.list(), refetchInterval: 5000 });
  const cluster = useQuery({ queryKey: ['cluster'], queryFn: () => api.cluster.get(), refetchInterval: 5000 });

  const next = (upcoming.data?.items ?? []).filter((j) => j.nextFireAt).sort((a, b) => a.nextFireAt!.localeCompare(b.nextFireAt!)).slice(0, 8);
  const online = (executors.data ?? []).filter((e) => e.status === 'ONLINE');
  const totals = stats.data?.totals;
  const aliveNodes = cluster.data?.nodes.filter((n) => n.alive).length ?? 0;

  return (
    <>
      <PageHeader
        title={t('nav.dashboard')}
        extra={<Segmented<Range> value={range} onChange={(r) => setParams({ range: r })} options={(Object.keys(RANGES) as Range[]).map((r) => ({ value: r, label: t(`dashboard.range.${r}`) }))} />}
      />
      {stats.error && <Alert type="error" showIcon title={errorText(stats.error, t)} />}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card><Statistic data-testid="stat-succeeded" title={t('dashboard.succeeded')} value={totals?.succeeded ?? 0} styles={{ content: { color: '#389e0d' } }} loading={stats.isLoading} /></Card>
        </Col>
        <Col xs={12} md={6}>
          <Card><Statistic data-testid="stat-failed" title={t('dashboard.failed')} value={totals ? totals.failed + totals.timedOut + totals.lost : 0} styles={{ content: { color: '#cf1322' } }} loading={stats.isLoading} /></Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Link to="/runs?status=RUNNING">
              <Statistic data-testid="stat-running" title={t('dashboard.running')} value={running.data?.items.length ?? 0} loading={running.isLoading} />
            </Link>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Link to="/executors">
              <Statistic data-testid="stat-executors-online" title={t('dashboard.executorsOnline')} value={online.length} loading={executors.isLoading} />
            </Link>
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('dashboard.chartTitle')}>{stats.data ? <RunsChart series={stats.data.series} bucket={stats.data.bucket} /> : <div style={{ height: 190 }} />}</Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.upcoming')}>
            <List
              size="small"
              dataSource={next}
              locale={{ emptyText: t('dashboard.noUpcoming') }}
              renderItem={(j) => (
                <List.Item extra={<DateTime value={j.nextFireAt} zone={j.schedule.timezone} />}>
                  <Link to={`/jobs/${j.id}`}>{j.key}</Link>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.cluster')} extra={<Link to="/cluster">{t('common.viewAll')}</Link>}>
            {cluster.data && (
              <>
                <p>
                  {t('cluster.leader')}:{' '}
                  {cluster.data.leader ? <Tag color="blue">{cluster.data.leader.nodeId}</Tag> : <Tag color="red">{t('cluster.noLeader')}</Tag>} · {t('cluster.epoch')} {cluster.data.epoch}
                </p>
                <p>{t('dashboard.nodesAlive', { alive: aliveNodes, total: cluster.data.nodes.length })}</p>
              </>
            )}
            <List
              size="small"
              header={t('dashboard.liveExecutors')}
              dataSource={online.slice(0, 8)}
              locale={{ emptyText: t('executors.none') }}
              renderItem={(e) => (
                <List.Item extra={`${e.inFlight}/${e.concurrency}`}>
                  <Link to={`/executors?app=${encodeURIComponent(e.app)}`}>{e.app}</Link> · {e.hostname}
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
