import { useState } from 'react';
import { Alert, Form, Input, Modal, type ButtonProps } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { JobDto, TriggerRequest } from '@baton/protocol';
import { api } from '../../api/client';
import { errorText } from '../../common/error-text';
import { parseJsonField, prettyJson } from '../../common/json';
import { useT } from '../../i18n/i18n';

export interface TriggerFormValues {
  params: string;
  delay: string;
  idempotencyKey: string;
}

/** The trigger request for the form; a blank params field means "the job's own params". */
export function triggerRequestFor(v: TriggerFormValues): TriggerRequest {
  const params = parseJsonField(v.params);
  if (!params.ok) throw new Error(params.error);
  const req: TriggerRequest = {};
  if (params.value !== undefined) req.params = params.value;
  const delay = v.delay.trim();
  if (delay) req.delay = /^\d+$/.test(delay) ? Number(delay) : delay;
  if (v.idempotencyKey.trim()) req.idempotencyKey = v.idempotencyKey.trim();
  return req;
}

/** Trigger now (or after a delay) with params; opens the new run. */
export function TriggerDialog({ job, open, onClose }: { job: JobDto; open: boolean; onClose: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const [form] = Form.useForm<TriggerFormValues>();
  const [error, setError] = useState<string | null>(null);
  const trigger = useMutation({
    mutationFn: (v: TriggerFormValues) => api.jobs.trigger(job.id, triggerRequestFor(v)),
    onSuccess: (run) => {
      onClose();
      navigate(`/runs/${run.id}`);
    },
    onError: (e) => setError(errorText(e, t)),
  });
  return (
    <Modal
      open={open}
      title={t('trigger.title', { job: job.key })}
      okText={t('trigger.run')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={trigger.isPending}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'trigger-submit' } as ButtonProps}
    >
      <Form<TriggerFormValues>
        form={form}
        layout="vertical"
        initialValues={{ params: prettyJson(job.params), delay: '', idempotencyKey: '' }}
        onFinish={(v) => {
          setError(null);
          trigger.mutate(v);
        }}
      >
        <Form.Item
          label={t('trigger.params')}
          name="params"
          extra={t('trigger.paramsHint')}
          rules={[{ validator: async (_r, v: string) => { const p = parseJsonField(v ?? ''); if (!p.ok) throw new Error(t('form.invalidJson', { error: p.error })); } }]}
        >
          <Input.TextArea rows={5} className="mono" data-testid="trigger-params" />
        </Form.Item>
        <Form.Item label={t('trigger.delay')} name="delay" extra={t('trigger.delayHint')}>
          <Input placeholder="PT30M" />
        </Form.Item>
        <Form.Item label={t('trigger.idempotencyKey')} name="idempotencyKey">
          <Input />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} role="alert" />}
    </Modal>
  );
}
