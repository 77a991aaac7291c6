import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Alert, Tag, Typography } from 'antd';
import type { LogLine, RunLogChunkDto } from '@baton/protocol';
import { api } from '../../api/client';
import { followRun } from '../../api/console-socket';
import { errorText } from '../../common/error-text';
import { formatInstant } from '../../common/date-time';
import { useI18n } from '../../i18n/i18n';

/** Appends chunks in sequence order, ignoring any already seen (REST page and socket may overlap). */
export function mergeChunks(known: RunLogChunkDto[], incoming: RunLogChunkDto[]): RunLogChunkDto[] {
  const last = known.at(-1)?.seq ?? 0;
  const fresh = incoming.filter((c) => c.seq > last).sort((a, b) => a.seq - b.seq);
  return fresh.length === 0 ? known : [...known, ...fresh];
}

/**
 * The run's log: what is stored, then live lines over the /console socket while the run goes
 * on. The box has a fixed height and keeps to the bottom only while the reader is there, so
 * streaming lines never move the page or yank the reader away from what they scrolled to.
 */
export function RunLog({ runId, live, onStatus }: { runId: string; live: boolean; onStatus?: () => void }) {
  const { t, language } = useI18n();
  const [chunks, setChunks] = useState<RunLogChunkDto[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [truncated, setTruncated] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const lastSeq = useRef(0);

  useEffect(() => {
    let cancelled = false;
    setChunks([]);
    lastSeq.current = 0;
    const add = (incoming: RunLogChunkDto[]) =>
      setChunks((known) => {
        const next = mergeChunks(known, incoming);
        lastSeq.current = next.at(-1)?.seq ?? 0;
        return next;
      });
    // Stored lines first (paged), then the socket from the last one we have.
    const load = async () => {
      let after = 0;
      for (;;) {
        const page = await api.runs.logs(runId, after, 500);
        if (cancelled) return;
        add(page.chunks);
        setTruncated(page.truncated);
        if (page.chunks.length < 500) return;
        after = page.lastSeq;
      }
    };
    load().catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [runId]);

  const append = useCallback((incoming: RunLogChunkDto[]) => {
    setChunks((known) => {
      const next = mergeChunks(known, incoming);
      lastSeq.current = next.at(-1)?.seq ?? 0;
      return next;
    });
  }, []);

  const wasLive = useRef(live);
  useEffect(() => {
    if (!live) {
      // The run just ended: lines written after the last push may not have been sent; read them.
      if (wasLive.current) api.runs.logs(runId, lastSeq.current, 500).then((page) => append(page.chunks), () => undefined);
      wasLive.current = false;
      return;
    }
    wasLive.current = true;
    return followRun(runId, { afterSeq: () => lastSeq.current, onLogs: append, onStatus: () => onStatus?.() });
  }, [runId, live, onStatus, append]);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [chunks]);

  const lines: Array<LogLine & { key: string }> = chunks.flatMap((c) => c.lines.map((l, i) => ({ ...l, key: `${c.seq}:${i}` })));
  return (
    <div>
      {error !== null && <Alert type="error" showIcon title={errorText(error, t)} />}
      {truncated && <Alert type="warning" showIcon title={t('run.logTruncated')} />}
      <div
        ref={box}
        className="run-log"
        data-testid="run-log"
        tabIndex={0}
        role="log"
        aria-live="polite"
        aria-label={t('run.log')}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {lines.length === 0 && <Typography.Text type="secondary">{live ? t('run.logWaiting') : t('run.logEmpty')}</Typography.Text>}
        {lines.map((l) => (
          <div key={l.key} className={`log-line log-${l.level}`}>
            <span className="log-at">{formatInstant(l.at, language).slice(-8)}</span>
            {l.level !== 'info' && <Tag className="log-level">{l.level}</Tag>}
            <span className="log-message">{l.message}</span>
          </div>
        ))}
      </div>
      {live && (
        <Typography.Text type="secondary" className="live-indicator">
          ● {t('run.liveTail')}
        </Typography.Text>
      )}
    </div>
  );
}
