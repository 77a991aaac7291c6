import { Alert, DatePicker, Input, Select, Space, Table, Tag } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { AUDIT_ACTOR_TYPES, type AuditActorType, type AuditEntryDto } from '@baton/protocol';
import { api } from '../../api/client';
import { DateTime } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { PageHeader } from '../../common/page-header';
import { Pager } from '../../common/pager';
import { useUrlFilters } from '../../common/url-state';
import { useT } from '../../i18n/i18n';

const FILTERS = ['actorType', 'action', 'targetType', 'targetId', 'from', 'to'] as const;

export function AuditPage() {
  const t = useT();
  const { values, cursor, set } = useUrlFilters(FILTERS);
  const query = { ...values, actorType: values.actorType as AuditActorType | undefined, cursor, limit: 50 };
  const audit = useQuery({ queryKey: ['audit', query], queryFn: () => api.audit.list(query), placeholderData: keepPreviousData });
  return (
    <>
      <PageHeader title={t('nav.audit')} />
      <Space wrap className="filters">
        <Select allowClear aria-label={t('audit.actorType')} placeholder={t('audit.actorType')} value={values.actorType} onChange={(actorType) => set({ actorType })} options={AUDIT_ACTOR_TYPES.map((a) => ({ value: a, label: t(`actor.${a}`) }))} style={{ width: 150 }} />
        <Input.Search allowClear aria-label={t('audit.action')} placeholder={t('audit.actionPlaceholder')} defaultValue={values.action} onSearch={(action) => set({ action })} style={{ width: 200 }} />
        <Input.Search allowClear aria-label={t('audit.targetType')} placeholder={t('audit.targetType')} defaultValue={values.targetType} onSearch={(targetType) => set({ targetType })} style={{ width: 160 }} />
        <Input.Search allowClear aria-label={t('audit.targetId')} placeholder={t('audit.targetId')} defaultValue={values.targetId} onSearch={(targetId) => set({ targetId })} style={{ width: 160 }} />
        <DatePicker.RangePicker showTime value={[values.from ? dayjs(values.from) : null, values.to ? dayjs(values.to) : null]} onChange={(r) => set({ from: r?.[0]?.toISOString(), to: r?.[1]?.toISOString() })} />
      </Space>
      {audit.error && <Alert type="error" showIcon title={errorText(audit.error, t)} />}
      <Table<AuditEntryDto>
        rowKey="id"
        size="small"
        pagination={false}
        loading={audit.isLoading}
        dataSource={audit.data?.items}
        scroll={{ x: 900 }}
        expandable={{ rowExpandable: (e) => !!e.details, expandedRowRender: (e) => <pre className="json-block">{JSON.stringify(e.details, null, 2)}</pre> }}
        columns={[
          { title: t('audit.at'), key: 'at', render: (_, e) => <DateTime value={e.at} /> },
          { title: t('audit.actor'), key: 'actor', render: (_, e) => <>{e.actor.name} <Tag>{t(`actor.${e.actor.type}`)}</Tag></> },
          { title: t('audit.action'), key: 'action', render: (_, e) => <code>{e.action}</code> },
          { title: t('audit.target'), key: 'target', render: (_, e) => (e.target ? `${e.target.type} ${e.target.id}` : '—') },
          { title: t('audit.ip'), dataIndex: 'ip', responsive: ['lg'] },
        ]}
      />
      <Pager cursor={cursor} nextCursor={audit.data?.nextCursor} onChange={(c) => set({ cursor: c })} />
    </>
  );
}
