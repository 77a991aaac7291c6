import type { StatsPoint } from '@baton/protocol';
import { useI18n } from '../../i18n/i18n';

export interface ChartBar {
  at: string;
  succeeded: number;
  failed: number;
  other: number;
}

/** Buckets as bars: succeeded; failed, timed out and lost as "failed"; cancelled and skipped as "other". */
export function toBars(series: StatsPoint[]): ChartBar[] {
  return series.map((p) => ({ at: p.at, succeeded: p.succeeded, failed: p.failed + p.timedOut + p.lost, other: p.cancelled + p.skipped }));
}

const H = 160;
const COLORS = { succeeded: '#52c41a', failed: '#ff4d4f', other: '#bfbfbf' };

/**
 * Stacked bars of ended runs per bucket, drawn as plain SVG (no chart library): a fixed
 * viewBox scaled to the card, so new data never changes the layout.
 */
export function RunsChart({ series, bucket }: { series: StatsPoint[]; bucket: 'hour' | 'day' }) {
  const { t, language } = useI18n();
  const bars = toBars(series);
  const max = Math.max(1, ...bars.map((b) => b.succeeded + b.failed + b.other));
  const w = Math.max(bars.length, 1) * 12;
  const label = (at: string) =>
    new Intl.DateTimeFormat(language, bucket === 'hour' ? { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false } : { month: '2-digit', day: '2-digit' }).format(new Date(at));
  return (
    <figure className="runs-chart" aria-label={t('dashboard.chartLabel')}>
      <svg viewBox={`0 0 ${w} ${H}`} preserveAspectRatio="none" role="img" width="100%" height={H}>
        {bars.map((b, i) => {
          let y = H;
          return (
            <g key={b.at}>
              <title>{`${label(b.at)} · ${t('dashboard.succeeded')} ${b.succeeded} · ${t('dashboard.failed')} ${b.failed} · ${t('dashboard.other')} ${b.other}`}</title>
              {(['succeeded', 'failed', 'other'] as const).map((k) => {
                const h = (b[k] / max) * (H - 4);
                y -= h;
                return h > 0 ? <rect key={k} x={i * 12 + 1} y={y} width={10} height={h} fill={COLORS[k]} /> : null;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="chart-legend">
        {(['succeeded', 'failed', 'other'] as const).map((k) => (
          <span key={k}>
            <i style={{ background: COLORS[k] }} /> {t(`dashboard.${k}`)}
          </span>
        ))}
        {bars.length > 0 && (
          <span className="muted">
            {label(bars[0]!.at)} – {label(bars.at(-1)!.at)}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
