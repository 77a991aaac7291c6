import { useState } from 'react';
import { App, Button, Form, Input, Modal, Space } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { JobDto } from '@baton/protocol';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth-context';
import { useNotify } from '../../common/use-notify';
import { useT } from '../../i18n/i18n';
import { TriggerDialog } from './trigger-dialog';

/**
 * Everything one can do to a job, as buttons; each shows only when the user's role allows it
 * on the job's app (a viewer sees none).
 */
export function JobActions({ job, size = 'small', afterDelete }: { job: JobDto; size?: 'small' | 'middle'; afterDelete?: () => void }) {
  const t = useT();
  const auth = useAuth();
  const notify = useNotify();
  const { modal } = App.useApp();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [triggering, setTriggering] = useState(false);
  const [copying, setCopying] = useState(false);
  const refresh = () => client.invalidateQueries({ queryKey: ['jobs'] });

  const toggle = useMutation({
    mutationFn: () => (job.enabled ? api.jobs.disable(job.id) : api.jobs.enable(job.id)),
    onSuccess: (j) => {
      notify.ok(j.enabled ? t('job.enabledNow', { job: j.key }) : t('job.disabledNow', { job: j.key }));
      void refresh();
    },
    onError: notify.error,
  });
  const remove = useMutation({
    mutationFn: () => api.jobs.delete(job.id),
    onSuccess: () => {
      notify.ok(t('job.deleted', { job: job.key }));
      void refresh();
      afterDelete?.();
    },
    onError: notify.error,
  });
  const copy = useMutation({
    mutationFn: (name: string) => api.jobs.copy(job.id, { name }),
    onSuccess: (j) => {
      setCopying(false);
      void refresh();
      navigate(`/jobs/${j.id}`);
    },
    onError: notify.error,
  });

  const canTrigger = auth.can('trigger', job.appId);
  const canManage = auth.can('manage', job.appId);
  if (!canTrigger && !canManage) return null;
  return (
    <Space size={4} wrap className="job-actions">
      {canTrigger && (
        <Button size={size} type="primary" ghost onClick={() => setTriggering(true)} data-testid="job-trigger">
          {t('job.trigger')}
        </Button>
      )}
      {canManage && (
        <>
          <Button size={size} onClick={() => navigate(`/jobs/${job.id}/edit`)} data-testid="job-edit">
            {t('common.edit')}
          </Button>
          <Button size={size} loading={toggle.isPending} onClick={() => toggle.mutate()} data-testid="job-toggle">
            {job.enabled ? t('job.disable') : t('job.enable')}
          </Button>
          <Button size={size} onClick={() => setCopying(true)} data-testid="job-copy">
            {t('job.copy')}
          </Button>
          <Button
            size={size}
            danger
            data-testid="job-delete"
            onClick={() =>
              modal.confirm({
                title: t('job.deleteConfirmTitle', { job: job.key }),
                content: t('job.deleteConfirmText'),
                okText: t('common.delete'),
                okButtonProps: { danger: true },
                cancelText: t('common.cancel'),
                onOk: () => remove.mutateAsync(),
              })
            }
          >
            {t('common.delete')}
          </Button>
        </>
      )}
      {triggering && <TriggerDialog job={job} open={triggering} onClose={() => setTriggering(false)} />}
      <Modal open={copying} title={t('job.copyTitle', { job: job.key })} onCancel={() => setCopying(false)} footer={null} destroyOnHidden>
        <Form layout="vertical" initialValues={{ name: `${job.name}-copy` }} onFinish={(v: { name: string }) => copy.mutate(v.name)}>
          <Form.Item label={t('job.name')} name="name" rules={[{ required: true, whitespace: true, message: t('form.required') }]} extra={t('job.copyHint')}>
            <Input autoFocus />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={copy.isPending}>
            {t('job.copy')}
          </Button>
        </Form>
      </Modal>
    </Space>
  );
}
