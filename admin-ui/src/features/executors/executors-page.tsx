import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppDto, AppWithTokenDto, ExecutorInstanceDto } from '@baton/protocol';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth-context';
import { DateTime } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { PageHeader } from '../../common/page-header';
import { useUrlFilters } from '../../common/url-state';
import { useNotify } from '../../common/use-notify';
import { useT } from '../../i18n/i18n';
import { useAppOptions, useApps } from '../jobs/use-apps';

/** Shows a secret once, with a copy button; it is never shown again. */
function TokenModal({ app, onClose }: { app: AppWithTokenDto | null; onClose: () => void }) {
  const t = useT();
  return (
    <Modal open={!!app} title={t('executors.tokenTitle', { app: app?.name ?? '' })} onOk={onClose} onCancel={onClose} cancelButtonProps={{ style: { display: 'none' } }} destroyOnHidden>
      <Alert type="warning" showIcon title={t('executors.tokenOnce')} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable={{ text: app?.token }} code data-testid="app-token">
        {app?.token}
      </Typography.Paragraph>
    </Modal>
  );
}

export function ExecutorsPage() {
  const t = useT();
  const auth = useAuth();
  const notify = useNotify();
  const { modal } = App.useApp();
  const client = useQueryClient();
  const { values, set } = useUrlFilters(['app'] as const);
  const apps = useApps();
  const appOptions = useAppOptions();
  const instances = useQuery({ queryKey: ['executors', values.app], queryFn: () => api.executors.list(values.app), refetchInterval: 3000 });
  const [token, setToken] = useState<AppWithTokenDto | null>(null);
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<AppDto | null>(null);

  const create = useMutation({
    mutationFn: (v: { name: string; description?: string }) => api.apps.create(v),
    onSuccess: (a) => {
      setCreating(false);
      setToken(a);
      void client.invalidateQueries({ queryKey: ['apps'] });
    },
    onError: notify.error,
  });
  const rotate = useMutation({
    mutationFn: (v: { app: string; graceMs: number }) => api.apps.rotateToken(v.app, v.graceMs),
    onSuccess: (a) => {
      setRotating(null);
      setToken(a);
      void client.invalidateQueries({ queryKey: ['apps'] });
    },
    onError: notify.error,
  });
  const remove = useMutation({
    mutationFn: (app: string) => api.apps.delete(app),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['apps'] }),
    onError: notify.error,
  });
  const drain = useMutation({
    mutationFn: (id: string) => api.executors.drain(id),
    onSuccess: () => {
      notify.ok(t('executors.drainSent'));
      void client.invalidateQueries({ queryKey: ['executors'] });
    },
    onError: notify.error,
  });

  return (
    <>
      <PageHeader
        title={t('nav.executors')}
        extra={
          auth.can('admin') && (
            <Button type="primary" onClick={() => setCreating(true)} data-testid="new-app">
              {t('executors.newApp')}
            </Button>
          )
        }
      />
      <Card title={t('executors.apps')} style={{ marginBottom: 16 }}>
        {apps.error && <Alert type="error" showIcon title={errorText(apps.error, t)} />}
        <Table<AppDto>
          rowKey="id"
          size="small"
          pagination={false}
          loading={apps.isLoading}
          dataSource={apps.data?.items}
          scroll={{ x: 700 }}
          columns={[
            { title: t('executors.app'), key: 'name', render: (_, a) => <a onClick={() => set({ app: a.name })} href={`?app=${encodeURIComponent(a.name)}`}>{a.name}</a> },
            { title: t('job.description'), dataIndex: 'description', responsive: ['md'] },
            { title: t('executors.jobs'), dataIndex: 'jobCount' },
            { title: t('executors.tokenPrefix'), key: 'prefix', render: (_, a) => <code>{a.tokenPrefix}…</code> },
            { title: t('executors.tokenRotatedAt'), key: 'rotated', render: (_, a) => <DateTime value={a.tokenRotatedAt} /> },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, a) =>
                auth.can('manage', a.id) && (
                  <Space size={4}>
                    <Button size="small" onClick={() => setRotating(a)} data-testid="rotate-token">
                      {t('executors.rotate')}
                    </Button>
                    {auth.can('admin') && (
                      <Button
                        size="small"
                        danger
                        onClick={() => modal.confirm({ title: t('executors.deleteApp', { app: a.name }), okButtonProps: { danger: true }, okText: t('common.delete'), cancelText: t('common.cancel'), onOk: () => remove.mutateAsync(a.name) })}
                      >
                        {t('common.delete')}
                      </Button>
                    )}
                  </Space>
                ),
            },
          ]}
        />
      </Card>
      <Card
        title={t('executors.instances')}
        extra={
          <Select
            allowClear
            aria-label={t('executors.app')}
            placeholder={t('executors.app')}
            value={values.app}
            onChange={(app) => set({ app })}
            options={appOptions}
            style={{ width: 160 }}
          />
        }
      >
        {instances.error && <Alert type="error" showIcon title={errorText(instances.error, t)} />}
        <Table<ExecutorInstanceDto>
          rowKey="id"
          size="small"
          pagination={false}
          loading={instances.isLoading}
          dataSource={instances.data}
          locale={{ emptyText: t('executors.none') }}
          scroll={{ x: 900 }}
          columns={[
            { title: t('executors.instance'), key: 'id', render: (_, e) => <span title={e.id}>{`${e.hostname}:${e.pid}`}</span> },
            { title: t('executors.app'), dataIndex: 'app' },
            {
              title: t('executors.status'),
              key: 'status',
              render: (_, e) =>
                e.draining ? <Tag color="orange">{t('executors.DRAINING')}</Tag> : <Tag color={e.status === 'ONLINE' ? 'green' : 'default'}>{t(`executors.${e.status}`)}</Tag>,
            },
            {
              title: t('executors.load'),
              key: 'load',
              render: (_, e) => (
                <div style={{ width: 140 }}>
                  <Progress percent={Math.round((e.inFlight / Math.max(1, e.concurrency)) * 100)} size="small" format={() => `${e.inFlight}/${e.concurrency}`} />
                </div>
              ),
            },
            { title: t('executors.handlers'), key: 'handlers', render: (_, e) => <div className="tag-list">{e.handlers.map((h) => <Tag key={h}>{h}</Tag>)}</div> },
            { title: t('executors.sdk'), dataIndex: 'sdkVersion', responsive: ['lg'] },
            { title: t('executors.heartbeat'), key: 'hb', render: (_, e) => <DateTime value={e.lastHeartbeatAt} /> },
            {
              title: t('common.actions'),
              key: 'a',
              render: (_, e) =>
                e.status === 'ONLINE' && !e.draining && auth.can('manage', e.appId) && (
                  <Button size="small" onClick={() => drain.mutate(e.id)}>
                    {t('executors.drain')}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      <TokenModal app={token} onClose={() => setToken(null)} />
      <Modal open={creating} title={t('executors.newApp')} onCancel={() => setCreating(false)} footer={null} destroyOnHidden>
        <Form layout="vertical" onFinish={(v: { name: string; description?: string }) => create.mutate(v)}>
          <Form.Item label={t('executors.app')} name="name" rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input autoFocus data-testid="app-name" />
          </Form.Item>
          <Form.Item label={t('job.description')} name="description">
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="app-create">
            {t('common.create')}
          </Button>
        </Form>
      </Modal>
      <Modal open={!!rotating} title={t('executors.rotateTitle', { app: rotating?.name ?? '' })} onCancel={() => setRotating(null)} footer={null} destroyOnHidden>
        <Form layout="vertical" initialValues={{ graceMinutes: 10 }} onFinish={(v: { graceMinutes: number }) => rotate.mutate({ app: rotating!.name, graceMs: v.graceMinutes * 60_000 })}>
          <Form.Item label={t('executors.graceMinutes')} name="graceMinutes" extra={t('executors.graceHint')}>
            <InputNumber min={0} max={10080} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={rotate.isPending}>
            {t('executors.rotate')}
          </Button>
        </Form>
      </Modal>
    </>
  );
}
