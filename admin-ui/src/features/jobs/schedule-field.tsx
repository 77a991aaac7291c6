import { useEffect, useMemo, useRef, useState } from 'react';
import { AutoComplete, Input, Select, Space, Typography } from 'antd';
import { SCHEDULE_TYPES, type ScheduleDto, type SchedulePreviewRequest, type SchedulePreviewResponse, type ScheduleType } from '@baton/protocol';
import { api } from '../../api/client';
import { errorText } from '../../common/error-text';
import { formatInstant } from '../../common/date-time';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/en';

export type PreviewFn = (req: SchedulePreviewRequest) => Promise<SchedulePreviewResponse>;

/** How long typing must pause before the server is asked. */
export const PREVIEW_DEBOUNCE_MS = 300;
const PREVIEW_COUNT = 5;

const PLACEHOLDERS: Record<ScheduleType, MessageKey> = {
  CRON: 'schedule.placeholder.CRON',
  FIXED_RATE: 'schedule.placeholder.FIXED_RATE',
  FIXED_DELAY: 'schedule.placeholder.FIXED_DELAY',
  ONCE: 'schedule.placeholder.ONCE',
  NONE: 'schedule.placeholder.NONE',
};

export type PreviewState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'ok'; fireTimes: string[]; timezone: string }
  | { kind: 'invalid'; message: string };

/** `2026-03-28T02:30:00.000+01:00` as the job's wall clock: `2026-03-28 02:30:00 +01:00`. */
export function wallClock(fireTime: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(fireTime);
  return m ? `${m[1]} ${m[2]} ${m[3] === 'Z' ? 'UTC' : m[3]}` : fireTime;
}

let zoneList: string[] | null = null;
function timeZones(): string[] {
  if (!zoneList) {
    const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
    zoneList = intl.supportedValuesOf ? ['UTC', ...intl.supportedValuesOf('timeZone')] : ['UTC'];
  }
  return zoneList;
}

/**
 * The schedule of a job: type, expression and zone. It asks the server (the same parser the
 * trigger loop uses) as you type, shows why an expression is refused, and previews the next
 * fire times in the job's zone, with the viewer's local time on hover.
 */
export function ScheduleField({
  value,
  onChange,
  preview = api.schedules.preview,
  id,
}: {
  value?: ScheduleDto;
  onChange?: (v: ScheduleDto) => void;
  preview?: PreviewFn;
  id?: string;
}) {
  const { t, language } = useI18n();
  const schedule = value ?? { type: 'CRON' as const, expression: '', timezone: 'UTC' };
  const [state, setState] = useState<PreviewState>({ kind: 'idle' });
  const seq = useRef(0);
  const set = (patch: Partial<ScheduleDto>) => onChange?.({ ...schedule, ...patch });

  useEffect(() => {
    const mine = ++seq.current;
    if (schedule.type === 'NONE') {
      setState({ kind: 'idle' });
      return;
    }
    if (!schedule.expression?.trim()) {
      setState({ kind: 'invalid', message: t('schedule.expressionRequired') });
      return;
    }
    setState((s) => (s.kind === 'ok' ? s : { kind: 'checking' }));
    const timer = setTimeout(() => {
      preview({ type: schedule.type, expression: schedule.expression!.trim(), timezone: schedule.timezone || undefined, count: PREVIEW_COUNT })
        .then((res) => mine === seq.current && setState({ kind: 'ok', fireTimes: res.fireTimes, timezone: res.timezone }))
        .catch((e: unknown) => mine === seq.current && setState({ kind: 'invalid', message: errorText(e, t) }));
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [schedule.type, schedule.expression, schedule.timezone, preview]);

  const zoneOptions = useMemo(() => {
    const typed = (schedule.timezone ?? '').toLowerCase();
    return timeZones()
      .filter((z) => z.toLowerCase().includes(typed))
      .slice(0, 50)
      .map((z) => ({ value: z }));
  }, [schedule.timezone]);

  return (
    <div className="schedule-field" id={id}>
      <Space.Compact block className="schedule-inputs">
        <Select<ScheduleType>
          aria-label={t('schedule.type')}
          data-testid="schedule-type"
          value={schedule.type}
          onChange={(type) => set({ type, expression: type === 'NONE' ? null : schedule.expression })}
          options={SCHEDULE_TYPES.map((s) => ({ value: s, label: t(`scheduleType.${s}`) }))}
          style={{ width: 160 }}
        />
        <Input
          aria-label={t('schedule.expression')}
          data-testid="schedule-expression"
          value={schedule.expression ?? ''}
          disabled={schedule.type === 'NONE'}
          placeholder={t(PLACEHOLDERS[schedule.type])}
          status={state.kind === 'invalid' ? 'error' : undefined}
          onChange={(e) => set({ expression: e.target.value })}
        />
        <AutoComplete
          aria-label={t('schedule.timezone')}
          data-testid="schedule-timezone"
          value={schedule.timezone}
          options={zoneOptions}
          onChange={(tz: string) => set({ timezone: tz })}
          style={{ width: 220 }}
        />
      </Space.Compact>
      {/* Fixed height, so the form does not jump while the preview comes and goes. */}
      <div className="schedule-preview" data-testid="schedule-preview" aria-live="polite">
        {state.kind === 'checking' && <Typography.Text type="secondary">{t('schedule.checking')}</Typography.Text>}
        {state.kind === 'invalid' && (
          <Typography.Text type="danger" data-testid="schedule-error">
            {state.message}
          </Typography.Text>
        )}
        {state.kind === 'ok' && state.fireTimes.length === 0 && <Typography.Text type="warning">{t('schedule.neverFires')}</Typography.Text>}
        {state.kind === 'ok' && state.fireTimes.length > 0 && (
          <>
            <Typography.Text type="secondary">{t('schedule.nextFires', { zone: state.timezone })}</Typography.Text>
            <ol className="fire-times">
              {state.fireTimes.map((f) => (
                <li key={f} title={t('schedule.yourTime', { time: formatInstant(f, language) })}>
                  {wallClock(f)}
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}
