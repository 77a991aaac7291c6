import { useState } from 'react';
import { Alert, Button, Col, Collapse, Form, Input, InputNumber, Row, Select, Space, Switch } from 'antd';
import { BLOCK_STRATEGIES, CHILD_TRIGGER_CONDITIONS, MISFIRE_POLICIES, RETRY_BACKOFFS, ROUTE_STRATEGIES } from '@baton/protocol';
import { parseJsonField } from '../../common/json';
import { useT } from '../../i18n/i18n';
import type { JobFormValues } from './job-form-model';
import { ScheduleField, type PreviewFn } from './schedule-field';

export interface JobFormProps {
  initialValues: JobFormValues;
  /** App names to pick from (create only; a job cannot move apps). */
  apps: string[];
  editing: boolean;
  onSubmit: (values: JobFormValues) => Promise<void>;
  onCancel?: () => void;
  preview?: PreviewFn;
}

/**
 * Create or edit a job. Pickers render from the protocol's enums, the same lists the server
 * validates against; the server's verdict (its `{code,message,details}`) shows above the buttons,
 * and field problems it names are put on their fields.
 */
export function JobForm({ initialValues, apps, editing, onSubmit, onCancel, preview }: JobFormProps) {
  const t = useT();
  const [form] = Form.useForm<JobFormValues>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const finish = async (values: JobFormValues) => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ ...initialValues, ...values });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const required = [{ required: true, whitespace: true, message: t('form.required') }];

  return (
    <Form<JobFormValues> form={form} layout="vertical" initialValues={initialValues} onFinish={finish} requiredMark="optional" className="job-form">
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item label={t('job.app')} name="app" rules={required}>
            <Select
              showSearch
              disabled={editing}
              data-testid="job-app"
              options={apps.map((a) => ({ value: a, label: a }))}
              notFoundContent={t('job.noApps')}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item label={t('job.name')} name="name" rules={required}>
            <Input data-testid="job-name" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item label={t('job.handler')} name="handler" rules={required}>
            <Input data-testid="job-handler" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('job.schedule')} name="schedule" required>
        <ScheduleField preview={preview} />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item label={t('job.routeStrategy')} name="routeStrategy">
            <Select options={ROUTE_STRATEGIES.map((s) => ({ value: s, label: t(`routeStrategy.${s}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item label={t('job.blockStrategy')} name="blockStrategy">
            <Select options={BLOCK_STRATEGIES.map((s) => ({ value: s, label: t(`blockStrategy.${s}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item label={t('job.enabled')} name="enabled" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        label={t('job.params')}
        name="params"
        extra={t('job.paramsHint')}
        rules={[{ validator: async (_r, v: string) => { const p = parseJsonField(v ?? ''); if (!p.ok) throw new Error(t('form.invalidJson', { error: p.error })); } }]}
      >
        <Input.TextArea rows={3} className="mono" data-testid="job-params" />
      </Form.Item>
      <Collapse
        ghost
        items={[
          {
            key: 'more',
            label: t('job.moreSettings'),
            forceRender: true,
            children: (
              <>
                <Row gutter={16}>
                  <Col xs={24} md={12}>
                    <Form.Item label={t('job.description')} name="description">
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item label={t('job.owner')} name="owner">
                      <Input />
                    </Form.Item>
                  </Col>
                </Row>
                <Row gutter={16}>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('job.misfirePolicy')} name="misfirePolicy">
                      <Select options={MISFIRE_POLICIES.map((s) => ({ value: s, label: t(`misfire.${s}`) }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('job.misfireThresholdMs')} name="misfireThresholdMs">
                      <InputNumber min={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('job.timeoutMs')} name="timeoutMs" extra={t('job.timeoutHint')}>
                      <InputNumber min={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                </Row>
                <Row gutter={16}>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('job.retryMaxAttempts')} name="retryMaxAttempts">
                      <InputNumber min={1} max={100} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('job.retryBackoff')} name="retryBackoff">
                      <Select options={RETRY_BACKOFFS.map((s) => ({ value: s, label: t(`backoff.${s}`) }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item label={t('job.retryDelayMs')} name="retryDelayMs">
                      <InputNumber min={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                </Row>
                <Form.List name="children">
                  {(fields, { add, remove }) => (
                    <Form.Item label={t('job.children')}>
                      {fields.map((field) => (
                        <Space key={field.key} align="baseline" wrap>
                          <Form.Item name={[field.name, 'job']} rules={required}>
                            <Input placeholder="app:name" aria-label={t('job.childJob')} />
                          </Form.Item>
                          <Form.Item name={[field.name, 'on']}>
                            <Select style={{ width: 140 }} aria-label={t('job.childOn')} options={CHILD_TRIGGER_CONDITIONS.map((c) => ({ value: c, label: t(`childOn.${c}`) }))} />
                          </Form.Item>
                          <Button onClick={() => remove(field.name)}>{t('common.remove')}</Button>
                        </Space>
                      ))}
                      <Button type="dashed" onClick={() => add({ job: '', on: 'SUCCESS' })}>
                        {t('job.addChild')}
                      </Button>
                    </Form.Item>
                  )}
                </Form.List>
              </>
            ),
          },
        ]}
      />
      {error && <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Space>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="job-save">
          {editing ? t('common.save') : t('job.create')}
        </Button>
        {onCancel && <Button onClick={onCancel}>{t('common.cancel')}</Button>}
      </Space>
    </Form>
  );
}
