import { Tag } from 'antd';
import type { RunStatus } from '@baton/protocol';
import { useT } from '../i18n/i18n';

const COLORS: Record<RunStatus, string> = {
  SCHEDULED: 'default',
  DISPATCHED: 'cyan',
  RUNNING: 'processing',
  SUCCEEDED: 'success',
  FAILED: 'error',
  TIMED_OUT: 'warning',
  CANCELLED: 'default',
  LOST: 'magenta',
  SKIPPED: 'default',
};

export function RunStatusTag({ status, dead }: { status: RunStatus; dead?: boolean }) {
  const t = useT();
  return (
    <span className="status-tag" data-status={status}>
      <Tag color={COLORS[status]}>{t(`runStatus.${status}`)}</Tag>
      {dead && <Tag color="volcano">{t('runs.dead')}</Tag>}
    </span>
  );
}
