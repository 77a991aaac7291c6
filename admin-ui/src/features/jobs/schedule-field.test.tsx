import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScheduleDto, SchedulePreviewRequest, SchedulePreviewResponse } from '@baton/protocol';
import { ApiError } from '../../api/api-error';
import { renderWithProviders } from '../../test/render';
import { PREVIEW_DEBOUNCE_MS, ScheduleField, wallClock, type PreviewFn } from './schedule-field';

function Harness({ preview, initial }: { preview: PreviewFn; initial: ScheduleDto }) {
  const [value, setValue] = useState(initial);
  return <ScheduleField value={value} onChange={setValue} preview={preview} />;
}

const CRON: ScheduleDto = { type: 'CRON', expression: '0 0 * * * ?', timezone: 'Europe/Berlin' };
const answer = (fireTimes: string[], timezone = 'Europe/Berlin'): SchedulePreviewResponse => ({ timezone, fireTimes });

describe('ScheduleField', () => {
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());

  it('previews the next fire times in the job zone', async () => {
    const preview = vi.fn<PreviewFn>(async () => answer(['2026-03-29T03:30:00.000+02:00', '2026-03-30T02:30:00.000+02:00']));
    renderWithProviders(<Harness preview={preview} initial={CRON} />);
    await act(() => vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS));
    expect(await screen.findByText('2026-03-29 03:30:00 +02:00')).toBeInTheDocument();
    expect(screen.getByText('Next fire times in Europe/Berlin:')).toBeInTheDocument();
    expect(preview).toHaveBeenCalledWith({ type: 'CRON', expression: '0 0 * * * ?', timezone: 'Europe/Berlin', count: 5 });
  });

  it('asks the server once per pause in typing, with the latest text', async () => {
    const preview = vi.fn<PreviewFn>(async (req: SchedulePreviewRequest) => answer([`2026-01-01T00:00:00.000+01:00`], req.timezone));
    renderWithProviders(<Harness preview={preview} initial={CRON} />);
    await act(() => vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS));
    preview.mockClear();
    const input = screen.getByLabelText('Expression');
    for (const text of ['*', '*/', '*/5', '*/5 * * * * ?']) {
      fireEvent.change(input, { target: { value: text } });
      await act(() => vi.advanceTimersByTimeAsync(50));
    }
    await act(() => vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS));
    expect(preview).toHaveBeenCalledTimes(1);
    expect(preview.mock.calls[0]![0].expression).toBe('*/5 * * * * ?');
  });

  it('shows why the server refuses an expression', async () => {
    const preview = vi.fn<PreviewFn>(async (req) => {
      if (req.expression === 'nope') throw new ApiError(400, 'INVALID_SCHEDULE', 'Invalid cron expression "nope": expected 5 to 7 fields');
      return answer(['2026-01-01T00:00:00.000+01:00']);
    });
    renderWithProviders(<Harness preview={preview} initial={CRON} />);
    fireEvent.change(screen.getByLabelText('Expression'), { target: { value: 'nope' } });
    await act(() => vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS));
    expect(await screen.findByTestId('schedule-error')).toHaveTextContent('Invalid cron expression "nope": expected 5 to 7 fields');
  });

  it('ignores an answer that arrives after the text changed again', async () => {
    let releaseSlow!: (r: SchedulePreviewResponse) => void;
    const preview = vi.fn<PreviewFn>((req) =>
      req.expression === 'slow' ? new Promise((resolve) => (releaseSlow = resolve)) : Promise.resolve(answer(['2026-05-05T05:05:05.000+02:00'])),
    );
    renderWithProviders(<Harness preview={preview} initial={{ ...CRON, expression: 'slow' }} />);
    await act(() => vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS));
    fireEvent.change(screen.getByLabelText('Expression'), { target: { value: 'fast' } });
    await act(() => vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS));
    expect(await screen.findByText('2026-05-05 05:05:05 +02:00')).toBeInTheDocument();
    await act(async () => releaseSlow(answer(['2099-09-09T09:09:09.000+02:00'])));
    expect(screen.queryByText('2099-09-09 09:09:09 +02:00')).not.toBeInTheDocument();
  });

  it('asks nothing for a schedule of type NONE, and says when an expression is missing', async () => {
    const preview = vi.fn<PreviewFn>(async () => answer([]));
    renderWithProviders(<Harness preview={preview} initial={{ type: 'NONE', expression: null, timezone: 'UTC' }} />);
    await act(() => vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS * 2));
    expect(preview).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Expression')).toBeDisabled();
  });

  it('warns when a valid schedule never fires', async () => {
    const preview = vi.fn<PreviewFn>(async () => answer([]));
    renderWithProviders(<Harness preview={preview} initial={{ ...CRON, expression: '0 0 0 30 2 ?' }} />);
    await act(() => vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS));
    await waitFor(() => expect(screen.getByText('This schedule never fires.')).toBeInTheDocument());
  });

  it('speaks Chinese when asked', async () => {
    const preview = vi.fn<PreviewFn>(async () => answer(['2026-01-01T08:00:00.000+08:00'], 'Asia/Shanghai'));
    renderWithProviders(<Harness preview={preview} initial={{ ...CRON, timezone: 'Asia/Shanghai' }} />, { language: 'zh-CN' });
    await act(() => vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS));
    expect(await screen.findByText('Asia/Shanghai 时区的接下来触发时间：')).toBeInTheDocument();
  });
});

describe('wallClock', () => {
  it('shows an offset instant as the zone sees it', () => {
    expect(wallClock('2026-03-28T02:30:00.000+01:00')).toBe('2026-03-28 02:30:00 +01:00');
    expect(wallClock('2026-03-28T02:30:00Z')).toBe('2026-03-28 02:30:00 UTC');
    expect(wallClock('garbage')).toBe('garbage');
  });
});
