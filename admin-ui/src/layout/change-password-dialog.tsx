import { useState } from 'react';
import { Alert, Form, Input, Modal } from 'antd';
import { api } from '../api/client';
import { errorText } from '../common/error-text';
import { useNotify } from '../common/use-notify';
import { useT } from '../i18n/i18n';

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const notify = useNotify();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { currentPassword: string; newPassword: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.auth.changePassword(v);
      notify.ok(t('auth.passwordChanged'));
      form.resetFields();
      onClose();
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={t('auth.changePassword')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('common.save')} cancelText={t('common.cancel')} forceRender>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item label={t('auth.currentPassword')} name="currentPassword" rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item label={t('auth.newPassword')} name="newPassword" rules={[{ required: true, message: t('form.required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} role="alert" />}
    </Modal>
  );
}
