import { Alert, Card, Descriptions, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import type { ClusterNodeDto } from '@baton/protocol';
import { api } from '../../api/client';
import { DateTime } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { PageHeader } from '../../common/page-header';
import { useT } from '../../i18n/i18n';

export function ClusterPage() {
  const t = useT();
  const cluster = useQuery({ queryKey: ['cluster'], queryFn: () => api.cluster.get(), refetchInterval: 3000 });
  const c = cluster.data;
  return (
    <>
      <PageHeader title={t('nav.cluster')} />
      {cluster.error && <Alert type="error" showIcon title={errorText(cluster.error, t)} />}
      <Card title={t('cluster.leadership')} style={{ marginBottom: 16 }} loading={cluster.isLoading}>
        {c && (
          <Descriptions column={{ xs: 1, md: 3 }} size="small">
            <Descriptions.Item label={t('cluster.leader')}>
              {c.leader ? <Tag color="blue" data-testid="cluster-leader">{c.leader.nodeId}</Tag> : <Tag color="red">{t('cluster.noLeader')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('cluster.epoch')}>{c.epoch}</Descriptions.Item>
            <Descriptions.Item label={t('cluster.databaseTime')}>
              <DateTime value={c.databaseTime} />
            </Descriptions.Item>
            {c.leader && (
              <>
                <Descriptions.Item label={t('cluster.acquiredAt')}>
                  <DateTime value={c.leader.acquiredAt} />
                </Descriptions.Item>
                <Descriptions.Item label={t('cluster.expiresAt')}>
                  <DateTime value={c.leader.expiresAt} />
                </Descriptions.Item>
              </>
            )}
          </Descriptions>
        )}
      </Card>
      <Card title={t('cluster.nodes')}>
        <Table<ClusterNodeDto>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={c?.nodes}
          scroll={{ x: 800 }}
          columns={[
            { title: t('cluster.node'), key: 'id', render: (_, n) => <>{n.id} {n.leader && <Tag color="blue">{t('cluster.leader')}</Tag>}</> },
            { title: t('cluster.state'), key: 'alive', render: (_, n) => <Tag color={n.alive ? 'green' : 'red'}>{n.alive ? t('cluster.alive') : t('cluster.silent')}</Tag> },
            { title: t('cluster.address'), dataIndex: 'advertiseUrl' },
            { title: t('cluster.host'), key: 'host', render: (_, n) => `${n.hostname} (pid ${n.pid})`, responsive: ['md'] },
            { title: t('cluster.version'), dataIndex: 'version', responsive: ['lg'] },
            { title: t('cluster.startedAt'), key: 's', render: (_, n) => <DateTime value={n.startedAt} />, responsive: ['lg'] },
            { title: t('cluster.heartbeat'), key: 'hb', render: (_, n) => <DateTime value={n.lastHeartbeatAt} /> },
          ]}
        />
      </Card>
    </>
  );
}
