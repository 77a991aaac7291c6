import { Tooltip } from 'antd';
import { useI18n } from '../i18n/i18n';

/** The viewer's zone, as the browser reports it. */
export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatInstant(iso: string, language: string, timeZone?: string, withZone = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZone,
    ...(withZone ? { timeZoneName: 'short' } : {}),
  }).format(d);
}

/**
 * An instant in the viewer's zone; hovering shows it in the job's zone (and UTC), so "02:30
 * Berlin" and "09:30 Shanghai" are never confused.
 */
export function DateTime({ value, zone }: { value: string | null | undefined; zone?: string }) {
  const { language } = useI18n();
  if (!value) return <span className="muted">—</span>;
  const local = formatInstant(value, language);
  const other = zone && zone !== viewerZone() ? `${formatInstant(value, language, zone, true)} (${zone})` : null;
  const title = (
    <span>
      {other && <div>{other}</div>}
      <div>{formatInstant(value, language, 'UTC', true)}</div>
    </span>
  );
  return (
    <Tooltip title={title}>
      <time dateTime={value} tabIndex={0} className="date-time">
        {local}
      </time>
    </Tooltip>
  );
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
