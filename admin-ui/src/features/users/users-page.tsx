import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { USER_ROLES, type UserDto, type UserRole } from '@baton/protocol';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth-context';
import { DateTime } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { PageHeader } from '../../common/page-header';
import { useNotify } from '../../common/use-notify';
import { useT } from '../../i18n/i18n';
import { useAppOptions } from '../jobs/use-apps';

interface UserFormValues {
  email: string;
  displayName: string;
  role: UserRole;
  apps: string[];
  password: string;
}

export function UsersPage() {
  const t = useT();
  const auth = useAuth();
  const notify = useNotify();
  const { modal } = App.useApp();
  const client = useQueryClient();
  const appOptions = useAppOptions();
  const [editing, setEditing] = useState<UserDto | 'new' | null>(null);
  const [resetting, setResetting] = useState<UserDto | null>(null);
  const [form] = Form.useForm<UserFormValues>();
  const users = useQuery({ queryKey: ['users'], queryFn: () => api.users.list({ limit: 200 }) });
  const refresh = () => void client.invalidateQueries({ queryKey: ['users'] });
  const save = useMutation({
    mutationFn: (v: UserFormValues) =>
      editing === 'new'
        ? api.users.create({ email: v.email, password: v.password, role: v.role, displayName: v.displayName || undefined, apps: v.apps })
        : api.users.update((editing as UserDto).id, { displayName: v.displayName, role: v.role, apps: v.apps, version: (editing as UserDto).version }),
    onSuccess: () => {
      setEditing(null);
      refresh();
    },
    onError: notify.error,
  });
  const setDisabled = useMutation({ mutationFn: (u: UserDto) => api.users.update(u.id, { disabled: !u.disabled, version: u.version }), onSuccess: refresh, onError: notify.error });
  const remove = useMutation({ mutationFn: (u: UserDto) => api.users.delete(u.id), onSuccess: refresh, onError: notify.error });
  const reset = useMutation({
    mutationFn: (v: { password: string }) => api.users.resetPassword(resetting!.id, v.password),
    onSuccess: () => {
      setResetting(null);
      notify.ok(t('users.passwordReset'));
    },
    onError: notify.error,
  });
  if (!auth.can('admin')) return <Alert type="warning" showIcon title={t('error.forbidden')} />;
  const open = (u: UserDto | 'new') => {
    setEditing(u);
    form.setFieldsValue(u === 'new' ? { email: '', displayName: '', role: 'viewer', apps: [], password: '' } : { email: u.email, displayName: u.displayName, role: u.role, apps: u.apps.map((a) => a.name), password: '' });
  };
  return (
    <>
      <PageHeader title={t('nav.users')} extra={<Button type="primary" onClick={() => open('new')} data-testid="new-user">{t('users.new')}</Button>} />
      {users.error && <Alert type="error" showIcon title={errorText(users.error, t)} />}
      <Table<UserDto>
        rowKey="id"
        size="small"
        pagination={false}
        loading={users.isLoading}
        dataSource={users.data?.items}
        scroll={{ x: 900 }}
        columns={[
          { title: t('auth.email'), dataIndex: 'email' },
          { title: t('auth.displayName'), dataIndex: 'displayName', responsive: ['md'] },
          { title: t('users.role'), key: 'role', render: (_, u) => <Tag color={u.role === 'admin' ? 'gold' : 'blue'}>{t(`role.${u.role}`)}</Tag> },
          { title: t('users.apps'), key: 'apps', render: (_, u) => (u.role === 'admin' ? t('users.allApps') : u.apps.map((a) => <Tag key={a.id}>{a.name}</Tag>)) },
          { title: t('users.state'), key: 'state', render: (_, u) => (u.disabled ? <Tag>{t('users.disabled')}</Tag> : u.lockedUntil ? <Tag color="red">{t('users.locked')}</Tag> : <Tag color="green">{t('users.active')}</Tag>) },
          { title: t('users.lastLogin'), key: 'll', render: (_, u) => <DateTime value={u.lastLoginAt} />, responsive: ['lg'] },
          {
            title: t('common.actions'),
            key: 'a',
            render: (_, u) => (
              <Space size={4} wrap>
                <Button size="small" onClick={() => open(u)}>{t('common.edit')}</Button>
                <Button size="small" onClick={() => setResetting(u)}>{t('users.resetPassword')}</Button>
                <Button size="small" onClick={() => setDisabled.mutate(u)}>{u.disabled ? t('job.enable') : t('job.disable')}</Button>
                <Button size="small" danger onClick={() => modal.confirm({ title: t('users.deleteConfirm', { email: u.email }), okButtonProps: { danger: true }, okText: t('common.delete'), cancelText: t('common.cancel'), onOk: () => remove.mutateAsync(u) })}>
                  {t('common.delete')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('users.new') : t('common.edit')} onCancel={() => setEditing(null)} onOk={() => form.submit()} confirmLoading={save.isPending} forceRender>
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item label={t('auth.email')} name="email" rules={[{ required: true, message: t('form.required') }]}>
            <Input disabled={editing !== 'new'} data-testid="user-email" />
          </Form.Item>
          <Form.Item label={t('auth.displayName')} name="displayName">
            <Input />
          </Form.Item>
          <Form.Item label={t('users.role')} name="role">
            <Select data-testid="user-role" options={USER_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
          <Form.Item label={t('users.apps')} name="apps" extra={t('users.appsHint')}>
            <Select mode="multiple" options={appOptions} data-testid="user-apps" />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item label={t('auth.password')} name="password" rules={[{ required: true, message: t('form.required') }]}>
              <Input.Password autoComplete="new-password" data-testid="user-password" />
            </Form.Item>
          )}
        </Form>
      </Modal>
      <Modal open={!!resetting} title={t('users.resetPasswordFor', { email: resetting?.email ?? '' })} onCancel={() => setResetting(null)} footer={null} destroyOnHidden>
        <Form layout="vertical" onFinish={(v: { password: string }) => reset.mutate(v)}>
          <Form.Item label={t('auth.password')} name="password" rules={[{ required: true, message: t('form.required') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={reset.isPending}>{t('common.save')}</Button>
        </Form>
      </Modal>
    </>
  );
}
