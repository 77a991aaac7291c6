import { useCallback, useEffect, useRef } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Progress, Row, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { FINAL_RUN_STATUSES, type RunDto } from '@baton/protocol';
import { api } from '../../api/client';
import { useAuth } from '../../auth/auth-context';
import { DateTime } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { prettyJson } from '../../common/json';
import { PageHeader } from '../../common/page-header';
import { RunStatusTag } from '../../common/status-tag';
import { useNotify } from '../../common/use-notify';
import { useT } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/en';
import { RunLog } from './run-log';
import { RunsTable } from './runs-table';

const TIMELINE: Array<[keyof RunDto, MessageKey]> = [
  ['createdAt', 'run.createdAt'],
  ['scheduledAt', 'run.scheduledAt'],
  ['fireTime', 'run.fireTime'],
  ['dispatchedAt', 'run.dispatchedAt'],
  ['ackedAt', 'run.ackedAt'],
  ['startedAt', 'run.startedAt'],
  ['killRequestedAt', 'run.killRequestedAt'],
  ['finishedAt', 'run.finishedAt'],
];

export const isFinal = (run: Pick<RunDto, 'status'>) => (FINAL_RUN_STATUSES as readonly string[]).includes(run.status);
const RETRYABLE = new Set(['FAILED', 'TIMED_OUT', 'LOST', 'CANCELLED']);
export const canBeRetried = (run: Pick<RunDto, 'status' | 'dead'>) => run.dead || RETRYABLE.has(run.status);
const FAILURES = new Set(['FAILED', 'TIMED_OUT', 'LOST']);
/**
 * The retry planner decides a moment after a failure whether another attempt follows or the run
 * is dead (with its reason); the live log stops at the end, so the page re-reads the run a few times.
 */
const VERDICT_POLLS = 10;
const VERDICT_POLL_MS = 1000;

export function RunDetailPage() {
  const t = useT();
  const { id } = useParams();
  const auth = useAuth();
  const notify = useNotify();
  const { modal } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const verdictPolls = useRef(0);
  useEffect(() => {
    verdictPolls.current = 0;
  }, [id]);
  const run = useQuery({
    queryKey: ['runs', 'one', id],
    queryFn: () => api.runs.get(id!),
    refetchInterval: (q) => {
      const d = q.state.data;
      if (!d || d.dead || !FAILURES.has(d.status) || verdictPolls.current >= VERDICT_POLLS) return false;
      verdictPolls.current++;
      return VERDICT_POLL_MS;
    },
  });
  const r = run.data;
  const job = useQuery({ queryKey: ['jobs', 'one', r?.jobId], queryFn: () => api.jobs.get(r!.jobId), enabled: !!r?.jobKey });
  const root = r ? (r.rootRunId ?? r.id) : undefined;
  // The API has no "runs of a chain" filter; the chain's attempts are the job's runs sharing its root.
  const chain = useQuery({
    queryKey: ['runs', 'chain', root, r?.updatedAt],
    queryFn: async () => (await api.runs.list({ job: r!.jobId, limit: 200 })).items.filter((x) => x.id === root || x.rootRunId === root).sort((a, b) => a.attempt - b.attempt),
    enabled: !!r?.jobKey && (r.attempt > 1 || r.status !== 'SUCCEEDED'),
  });
  const children = useQuery({ queryKey: ['runs', 'children', id, r?.status], queryFn: () => api.runs.children(id!), enabled: !!r && isFinal(r) });
  const refresh = useCallback(() => void client.invalidateQueries({ queryKey: ['runs'] }), [client]);

  const kill = useMutation({
    mutationFn: () => api.runs.kill(id!),
    onSuccess: () => {
      notify.ok(t('run.killRequested'));
      refresh();
    },
    onError: notify.error,
  });
  const retry = useMutation({
    mutationFn: () => api.runs.retry(id!),
    onSuccess: (next) => {
      notify.ok(t('run.retried', { id: next.id }));
      refresh();
      navigate(`/runs/${next.id}`);
    },
    onError: notify.error,
  });

  if (run.error) return <Alert type="error" showIcon title={errorText(run.error, t)} />;
  if (!r) return <Skeleton active />;
  const manage = auth.can('manage', r.appId);
  const zone = job.data?.schedule.timezone;
  const final = isFinal(r);

  return (
    <>
      <PageHeader
        title={
          <Space>
            {t('run.title', { id: r.id })}
            <span data-testid="run-status">
              <RunStatusTag status={r.status} dead={r.dead} />
            </span>
          </Space>
        }
        sub={r.jobKey ? <Link to={`/jobs/${r.jobId}`}>{r.jobKey}</Link> : t('run.jobDeleted')}
        extra={
          manage && (
            <>
              {!final && (
                <Button
                  danger
                  data-testid="run-kill"
                  loading={kill.isPending}
                  disabled={!!r.killRequestedAt}
                  onClick={() => modal.confirm({ title: t('run.killConfirm', { id: r.id }), okText: t('run.kill'), okButtonProps: { danger: true }, cancelText: t('common.cancel'), onOk: () => kill.mutateAsync() })}
                >
                  {r.killRequestedAt ? t('run.killing') : t('run.kill')}
                </Button>
              )}
              {final && canBeRetried(r) && (
                <Button type="primary" data-testid="run-retry" loading={retry.isPending} onClick={() => retry.mutate()}>
                  {t('run.retry')}
                </Button>
              )}
            </>
          )
        }
      />
      {r.statusReason && <Alert type={r.dead ? 'error' : 'info'} showIcon title={r.statusReason} style={{ marginBottom: 16 }} data-testid="status-reason" />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={t('run.log')}>
            <RunLog runId={r.id} live={!final} onStatus={refresh} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('run.timeline')}>
            <Timeline
              items={TIMELINE.filter(([k]) => r[k]).map(([k, label]) => ({
                key: k,
                content: (
                  <>
                    <Typography.Text strong>{t(label)}</Typography.Text>
                    <br />
                    <DateTime value={r[k] as string} zone={zone} />
                  </>
                ),
              }))}
            />
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('run.trigger')}>{t(`triggerType.${r.triggerType}`)}</Descriptions.Item>
              <Descriptions.Item label={t('run.attempt')}>{r.attempt}</Descriptions.Item>
              <Descriptions.Item label={t('run.shard')}>{`${r.shard.index + 1} / ${r.shard.total}`}</Descriptions.Item>
              <Descriptions.Item label={t('run.executor')}>{r.executorId ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('run.progress')}>
                <Progress percent={Math.round(r.progress ?? 0)} size="small" status={r.status === 'RUNNING' ? 'active' : undefined} style={{ width: 160 }} />
              </Descriptions.Item>
              {r.leaseUntil && !final && (
                <Descriptions.Item label={t('run.leaseUntil')}>
                  <DateTime value={r.leaseUntil} zone={zone} />
                </Descriptions.Item>
              )}
              {r.parentRunId && (
                <Descriptions.Item label={t('run.parent')}>
                  <Link to={`/runs/${r.parentRunId}`}>#{r.parentRunId}</Link>
                </Descriptions.Item>
              )}
              {r.rootRunId && (
                <Descriptions.Item label={t('run.root')}>
                  <Link to={`/runs/${r.rootRunId}`} data-testid="run-root-link">#{r.rootRunId}</Link>
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('run.params')}>
            <pre className="json-block" data-testid="run-params">{prettyJson(r.params) || '—'}</pre>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={r.error ? t('run.error') : t('run.result')}>
            {r.error ? (
              <>
                <Typography.Text type="danger" data-testid="run-error">{r.error.message}</Typography.Text>
                {!r.error.retryable && <Tag style={{ marginLeft: 8 }}>{t('run.nonRetryable')}</Tag>}
                {r.error.stack && <pre className="json-block">{r.error.stack}</pre>}
              </>
            ) : (
              <pre className="json-block" data-testid="run-result">{final ? prettyJson(r.result) || '—' : '…'}</pre>
            )}
          </Card>
        </Col>
        {chain.data && chain.data.length > 1 && (
          <Col span={24}>
            <Card title={t('run.attempts')}>
              <RunsTable runs={chain.data} showJob={false} />
            </Card>
          </Col>
        )}
        {children.data && children.data.items.length > 0 && (
          <Col span={24}>
            <Card title={t('run.children')}>
              <RunsTable runs={children.data.items} />
            </Card>
          </Col>
        )}
      </Row>
    </>
  );
}
