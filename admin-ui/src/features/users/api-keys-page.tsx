import { useState } from 'react';
import { Alert, App, Button, Checkbox, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { API_KEY_SCOPES, type ApiKeyDto, type ApiKeyScope, type ApiKeyWithSecretDto } from '@baton/protocol';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth-context';
import { DateTime } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { PageHeader } from '../../common/page-header';
import { useNotify } from '../../common/use-notify';
import { useT } from '../../i18n/i18n';
import { useAppOptions } from '../jobs/use-apps';

interface KeyFormValues {
  name: string;
  scopes: ApiKeyScope[];
  apps: string[];
  expiresAt?: Dayjs | null;
}

export function ApiKeysPage() {
  const t = useT();
  const auth = useAuth();
  const notify = useNotify();
  const { modal } = App.useApp();
  const client = useQueryClient();
  const appChoices = useAppOptions();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKeyWithSecretDto | null>(null);
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => api.apiKeys.list({ limit: 200 }) });
  const refresh = () => void client.invalidateQueries({ queryKey: ['api-keys'] });
  const create = useMutation({
    mutationFn: (v: KeyFormValues) => api.apiKeys.create({ name: v.name, scopes: v.scopes, apps: v.apps, expiresAt: v.expiresAt ? v.expiresAt.toISOString() : undefined }),
    onSuccess: (k) => {
      setCreating(false);
      setCreated(k);
      refresh();
    },
    onError: notify.error,
  });
  const revoke = useMutation({ mutationFn: (k: ApiKeyDto) => api.apiKeys.revoke(k.id), onSuccess: refresh, onError: notify.error });
  const appOptions = [...(auth.can('admin') ? [{ value: '*', label: t('users.allApps') }] : []), ...appChoices];
  const canCreate = auth.can('trigger');
  return (
    <>
      <PageHeader title={t('nav.apiKeys')} extra={canCreate && <Button type="primary" onClick={() => setCreating(true)}>{t('keys.new')}</Button>} />
      {keys.error && <Alert type="error" showIcon title={errorText(keys.error, t)} />}
      <Table<ApiKeyDto>
        rowKey="id"
        size="small"
        pagination={false}
        loading={keys.isLoading}
        dataSource={keys.data?.items}
        scroll={{ x: 900 }}
        columns={[
          { title: t('keys.name'), dataIndex: 'name' },
          { title: t('keys.prefix'), key: 'p', render: (_, k) => <code>{k.prefix}…</code> },
          { title: t('keys.scopes'), key: 's', render: (_, k) => k.scopes.map((s) => <Tag key={s}>{t(`scope.${s}`)}</Tag>) },
          { title: t('users.apps'), key: 'apps', render: (_, k) => (k.allApps ? t('users.allApps') : k.apps.map((a) => <Tag key={a.id}>{a.name}</Tag>)) },
          { title: t('keys.lastUsed'), key: 'lu', render: (_, k) => <DateTime value={k.lastUsedAt} />, responsive: ['md'] },
          { title: t('keys.expires'), key: 'e', render: (_, k) => <DateTime value={k.expiresAt} />, responsive: ['lg'] },
          {
            title: t('common.actions'),
            key: 'a',
            render: (_, k) =>
              k.revokedAt ? (
                <Tag>{t('keys.revoked')}</Tag>
              ) : (
                <Button size="small" danger onClick={() => modal.confirm({ title: t('keys.revokeConfirm', { name: k.name }), okButtonProps: { danger: true }, okText: t('keys.revoke'), cancelText: t('common.cancel'), onOk: () => revoke.mutateAsync(k) })}>
                  {t('keys.revoke')}
                </Button>
              ),
          },
        ]}
      />
      <Modal open={creating} title={t('keys.new')} onCancel={() => setCreating(false)} footer={null} destroyOnHidden>
        <Form<KeyFormValues> layout="vertical" initialValues={{ scopes: ['trigger'], apps: [] }} onFinish={(v) => create.mutate(v)}>
          <Form.Item label={t('keys.name')} name="name" rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('keys.scopes')} name="scopes" rules={[{ required: true, message: t('form.required') }]}>
            <Checkbox.Group options={API_KEY_SCOPES.map((s) => ({ value: s, label: t(`scope.${s}`) }))} />
          </Form.Item>
          <Form.Item label={t('users.apps')} name="apps" rules={[{ required: true, message: t('form.required') }]}>
            <Select mode="multiple" options={appOptions} />
          </Form.Item>
          <Form.Item label={t('keys.expires')} name="expiresAt">
            <DatePicker showTime />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={create.isPending}>{t('common.create')}</Button>
          </Space>
        </Form>
      </Modal>
      <Modal open={!!created} title={t('keys.createdTitle')} onOk={() => setCreated(null)} onCancel={() => setCreated(null)} cancelButtonProps={{ style: { display: 'none' } }} destroyOnHidden>
        <Alert type="warning" showIcon title={t('keys.shownOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable code data-testid="api-key-secret">{created?.key}</Typography.Paragraph>
      </Modal>
    </>
  );
}
