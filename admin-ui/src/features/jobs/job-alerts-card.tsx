import { useState } from 'react';
import { Button, Card, Checkbox, Form, InputNumber, Modal, Select, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ALERT_KINDS, type AlertKind, type JobDto } from '@baton/protocol';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth-context';
import { useNotify } from '../../common/use-notify';
import { useT } from '../../i18n/i18n';

interface RoutingForm {
  channels: string[];
  suppressMinutes: number;
  events: AlertKind[];
}

/** Which channels a job alerts, about what, and how often (PUT /jobs/:job/alerts). */
export function JobAlertsCard({ job }: { job: JobDto }) {
  const t = useT();
  const auth = useAuth();
  const notify = useNotify();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const routing = useQuery({ queryKey: ['jobs', 'alerts', job.id], queryFn: () => api.jobs.alertRouting(job.id) });
  const channels = useQuery({ queryKey: ['alert-channels'], queryFn: () => api.alerts.channels({ limit: 200 }), enabled: editing });
  const save = useMutation({
    mutationFn: (v: RoutingForm) => api.jobs.putAlertRouting(job.id, { channels: v.channels, suppressWindowMs: v.suppressMinutes * 60_000, events: v.events }),
    onSuccess: () => {
      setEditing(false);
      void client.invalidateQueries({ queryKey: ['jobs', 'alerts', job.id] });
    },
    onError: notify.error,
  });
  const r = routing.data;
  return (
    <Card
      data-testid="job-alerts"
      title={t('nav.alerts')}
      loading={routing.isLoading}
      extra={auth.can('manage', job.appId) && <Button size="small" onClick={() => setEditing(true)} data-testid="job-alerts-edit">{t('common.edit')}</Button>}
    >
      {r && r.channels.length === 0 && <Typography.Text type="secondary">{t('alerts.routingOff')}</Typography.Text>}
      {r && r.channels.length > 0 && (
        <>
          <div className="tag-list">{r.channels.map((c) => <Tag key={c.id} color={c.enabled ? 'blue' : 'default'}>{c.name}</Tag>)}</div>
          <p>{r.events.map((e) => t(`alertKind.${e}`)).join(', ')}</p>
          <Typography.Text type="secondary">{t('alerts.suppressFor', { minutes: Math.round(r.suppressWindowMs / 60_000) })}</Typography.Text>
        </>
      )}
      <Modal open={editing} title={t('alerts.routingTitle', { job: job.key })} onCancel={() => setEditing(false)} footer={null} destroyOnHidden>
        <Form<RoutingForm>
          layout="vertical"
          initialValues={{ channels: r?.channels.map((c) => c.name) ?? [], suppressMinutes: Math.round((r?.suppressWindowMs ?? 600_000) / 60_000), events: r?.events ?? [...ALERT_KINDS] }}
          onFinish={(v) => save.mutate(v)}
        >
          <Form.Item label={t('alerts.channels')} name="channels">
            <Select mode="multiple" loading={channels.isLoading} options={channels.data?.items.map((c) => ({ value: c.name, label: `${c.name} (${c.type})` })) ?? []} />
          </Form.Item>
          <Form.Item label={t('alerts.kind')} name="events">
            <Checkbox.Group options={ALERT_KINDS.map((k) => ({ value: k, label: t(`alertKind.${k}`) }))} />
          </Form.Item>
          <Form.Item label={t('alerts.suppressMinutes')} name="suppressMinutes">
            <InputNumber min={0} max={10080} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending}>{t('common.save')}</Button>
        </Form>
      </Modal>
    </Card>
  );
}
