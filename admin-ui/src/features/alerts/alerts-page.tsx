import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tabs, Tag } from 'antd';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ALERT_CHANNEL_TYPES, ALERT_KINDS, ALERT_STATUSES, type AlertChannelDto, type AlertChannelType, type AlertDto, type AlertKind, type AlertStatus } from '@baton/protocol';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth-context';
import { DateTime } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { parseJsonField } from '../../common/json';
import { PageHeader } from '../../common/page-header';
import { Pager } from '../../common/pager';
import { useUrlFilters } from '../../common/url-state';
import { useNotify } from '../../common/use-notify';
import { useT } from '../../i18n/i18n';

/** A starting config per channel type, so the JSON field shows what is expected. */
export const CONFIG_TEMPLATES: Record<AlertChannelType, object> = {
  WEBHOOK: { url: 'https://example.com/hooks/baton', secret: '' },
  SLACK: { url: 'https://hooks.slack.com/services/…' },
  DINGTALK: { url: 'https://oapi.dingtalk.com/robot/send?access_token=…', secret: '' },
  FEISHU: { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/…', secret: '' },
  WECOM: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…' },
  EMAIL: { host: 'smtp.example.com', port: 587, user: '', password: '', from: 'baton@example.com', to: ['ops@example.com'] },
};

function History() {
  const t = useT();
  const { values, cursor, set } = useUrlFilters(['tab', 'status', 'kind', 'job'] as const);
  const query = { status: values.status as AlertStatus | undefined, kind: values.kind as AlertKind | undefined, job: values.job, cursor, limit: 50 };
  const alerts = useQuery({ queryKey: ['alerts', query], queryFn: () => api.alerts.list(query), placeholderData: keepPreviousData, refetchInterval: 10_000 });
  return (
    <>
      <Space wrap className="filters">
        <Select allowClear aria-label={t('alerts.status')} placeholder={t('alerts.status')} value={values.status} onChange={(status) => set({ status })} options={ALERT_STATUSES.map((s) => ({ value: s, label: t(`alertStatus.${s}`) }))} style={{ width: 150 }} />
        <Select allowClear aria-label={t('alerts.kind')} placeholder={t('alerts.kind')} value={values.kind} onChange={(kind) => set({ kind })} options={ALERT_KINDS.map((s) => ({ value: s, label: t(`alertKind.${s}`) }))} style={{ width: 190 }} />
        <Input.Search allowClear aria-label={t('run.job')} placeholder={t('runs.jobPlaceholder')} defaultValue={values.job} onSearch={(job) => set({ job })} style={{ width: 220 }} />
      </Space>
      {alerts.error && <Alert type="error" showIcon title={errorText(alerts.error, t)} />}
      <Table<AlertDto>
        rowKey="id"
        size="small"
        pagination={false}
        loading={alerts.isLoading}
        dataSource={alerts.data?.items}
        scroll={{ x: 900 }}
        expandable={{ expandedRowRender: (a) => <pre className="json-block">{a.text}{a.lastError ? `\n\n${a.lastError}` : ''}</pre> }}
        columns={[
          { title: t('alerts.at'), key: 'at', render: (_, a) => <DateTime value={a.createdAt} /> },
          { title: t('alerts.kind'), key: 'kind', render: (_, a) => <Tag>{t(`alertKind.${a.kind}`)}</Tag> },
          { title: t('alerts.status'), key: 'status', render: (_, a) => <Tag color={a.status === 'SENT' ? 'green' : a.status === 'FAILED' ? 'red' : 'default'}>{t(`alertStatus.${a.status}`)}</Tag> },
          { title: t('alerts.channel'), key: 'channel', render: (_, a) => a.channel.name ?? a.channel.id },
          { title: t('alerts.titleCol'), dataIndex: 'title' },
          { title: t('run.job'), key: 'job', render: (_, a) => (a.runId ? <Link to={`/runs/${a.runId}`}>{a.jobKey ?? `#${a.runId}`}</Link> : (a.jobKey ?? '—')) },
        ]}
      />
      <Pager cursor={cursor} nextCursor={alerts.data?.nextCursor} onChange={(c) => set({ cursor: c })} />
    </>
  );
}

function Channels() {
  const t = useT();
  const auth = useAuth();
  const notify = useNotify();
  const { modal } = App.useApp();
  const client = useQueryClient();
  const [editing, setEditing] = useState<AlertChannelDto | 'new' | null>(null);
  const [form] = Form.useForm<{ name: string; type: AlertChannelType; config: string }>();
  const channels = useQuery({ queryKey: ['alert-channels'], queryFn: () => api.alerts.channels({ limit: 200 }) });
  const refresh = () => void client.invalidateQueries({ queryKey: ['alert-channels'] });
  const save = useMutation({
    mutationFn: async (v: { name: string; type: AlertChannelType; config: string }) => {
      const config = parseJsonField(v.config);
      if (!config.ok) throw new Error(t('form.invalidJson', { error: config.error }));
      if (editing === 'new') return api.alerts.createChannel({ name: v.name, type: v.type, config: config.value as never });
      return api.alerts.updateChannel((editing as AlertChannelDto).id, { version: (editing as AlertChannelDto).version, name: v.name, config: config.value as Record<string, unknown> });
    },
    onSuccess: () => {
      setEditing(null);
      refresh();
    },
    onError: notify.error,
  });
  const toggle = useMutation({ mutationFn: (c: AlertChannelDto) => api.alerts.updateChannel(c.id, { version: c.version, enabled: !c.enabled }), onSuccess: refresh, onError: notify.error });
  const test = useMutation({
    mutationFn: (c: AlertChannelDto) => api.alerts.testChannel(c.id),
    onSuccess: (r) => (r.delivered ? notify.ok(t('alerts.testDelivered', { ms: r.durationMs })) : notify.error(new Error(t('alerts.testFailed', { error: r.error ?? '' })))),
    onError: notify.error,
  });
  const remove = useMutation({ mutationFn: (c: AlertChannelDto) => api.alerts.deleteChannel(c.id), onSuccess: refresh, onError: notify.error });
  const admin = auth.can('admin');
  const open = (c: AlertChannelDto | 'new') => {
    setEditing(c);
    form.setFieldsValue(c === 'new' ? { name: '', type: 'WEBHOOK', config: JSON.stringify(CONFIG_TEMPLATES.WEBHOOK, null, 2) } : { name: c.name, type: c.type, config: JSON.stringify(c.config, null, 2) });
  };

  return (
    <>
      {admin && (
        <Button type="primary" onClick={() => open('new')} style={{ marginBottom: 12 }}>
          {t('alerts.newChannel')}
        </Button>
      )}
      {channels.error && <Alert type="error" showIcon title={errorText(channels.error, t)} />}
      <Table<AlertChannelDto>
        rowKey="id"
        size="small"
        pagination={false}
        loading={channels.isLoading}
        dataSource={channels.data?.items}
        scroll={{ x: 700 }}
        columns={[
          { title: t('alerts.channel'), dataIndex: 'name' },
          { title: t('alerts.type'), key: 'type', render: (_, c) => <Tag>{c.type}</Tag> },
          { title: t('job.enabled'), key: 'enabled', render: (_, c) => <Switch size="small" checked={c.enabled} disabled={!admin} onChange={() => toggle.mutate(c)} aria-label={t('job.enabled')} /> },
          { title: t('alerts.updatedAt'), key: 'u', render: (_, c) => <DateTime value={c.updatedAt} /> },
          {
            title: t('common.actions'),
            key: 'a',
            render: (_, c) =>
              admin && (
                <Space size={4}>
                  <Button size="small" onClick={() => test.mutate(c)} loading={test.isPending && test.variables?.id === c.id}>{t('alerts.test')}</Button>
                  <Button size="small" onClick={() => open(c)}>{t('common.edit')}</Button>
                  <Button size="small" danger onClick={() => modal.confirm({ title: t('alerts.deleteChannel', { name: c.name }), okButtonProps: { danger: true }, okText: t('common.delete'), cancelText: t('common.cancel'), onOk: () => remove.mutateAsync(c) })}>
                    {t('common.delete')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('alerts.newChannel') : t('common.edit')} onCancel={() => setEditing(null)} onOk={() => form.submit()} confirmLoading={save.isPending} forceRender>
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item label={t('alerts.channel')} name="name" rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('alerts.type')} name="type">
            <Select disabled={editing !== 'new'} options={ALERT_CHANNEL_TYPES.map((c) => ({ value: c, label: c }))} onChange={(type: AlertChannelType) => form.setFieldValue('config', JSON.stringify(CONFIG_TEMPLATES[type], null, 2))} />
          </Form.Item>
          <Form.Item label={t('alerts.config')} name="config" extra={t('alerts.configHint')}>
            <Input.TextArea rows={7} className="mono" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export function AlertsPage() {
  const t = useT();
  const { values, set } = useUrlFilters(['tab'] as const);
  return (
    <>
      <PageHeader title={t('nav.alerts')} />
      <Tabs
        activeKey={values.tab === 'channels' ? 'channels' : 'history'}
        onChange={(k) => set({ tab: k === 'channels' ? 'channels' : undefined })}
        items={[
          { key: 'history', label: t('alerts.history'), children: <History /> },
          { key: 'channels', label: t('alerts.channels'), children: <Channels /> },
        ]}
      />
    </>
  );
}
