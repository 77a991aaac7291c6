import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogLine } from '@baton/protocol';
import { LogBatcher } from '../src/log-batcher.js';
import { ProgressThrottle } from '../src/progress-throttle.js';
import { aborted, failed, succeeded } from '../src/outcome.js';
import { clampProgress, makeLogLine, MAX_LOG_LINE_CHARS } from '../src/run-context.js';

afterEach(() => void vi.useRealTimers());

const line = (message: string): LogLine => ({ at: new Date().toISOString(), level: 'info', message });

describe('LogBatcher', () => {
  it('flushes after 200 ms, at 100 lines, or before 64 KiB, numbering batches from 1', () => {
    vi.useFakeTimers();
    const batches: Array<[number, number]> = [];
    const b = new LogBatcher((seq, lines) => batches.push([seq, lines.length]));
    b.add(line('a'));
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(batches).toEqual([[1, 1]]);
    for (let i = 0; i < 100; i++) b.add(line('x'));
    expect(batches).toEqual([[1, 1], [2, 100]]);
    const big = 'y'.repeat(30_000);
    b.add(line(big));
    b.add(line(big));
    b.add(line(big)); // would pass 64 KiB: the first two go out first
    expect(batches.at(-1)).toEqual([3, 2]);
    b.close();
    expect(batches.at(-1)).toEqual([4, 1]);
    b.add(line('after close'));
    vi.advanceTimersByTime(1_000);
    expect(batches).toHaveLength(4);
  });
});

describe('ProgressThrottle', () => {
  it('sends at most every 250 ms, keeps the newest value, and sends the last one on close', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const t = new ProgressThrottle((v) => sent.push(v));
    t.push(1);
    t.push(2);
    t.push(3);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(250);
    expect(sent).toEqual([1, 3]);
    t.push(3); // unchanged: nothing to send
    vi.advanceTimersByTime(250);
    expect(sent).toEqual([1, 3]);
    t.push(4);
    t.push(5);
    t.close();
    expect(sent).toEqual([1, 3, 4, 5]);
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([1, 3, 4, 5]);
  });
});

describe('outcomes and context helpers', () => {
  it('builds outcomes', () => {
    expect(succeeded(undefined, 10)).toEqual({ outcome: 'SUCCEEDED', result: null });
    expect(succeeded({ at: new Date(0) }, 100)).toEqual({ outcome: 'SUCCEEDED', result: { at: '1970-01-01T00:00:00.000Z' } });
    expect(succeeded(() => 1, 100)).toMatchObject({ outcome: 'FAILED', error: { retryable: false } });
    expect(succeeded(10n, 100)).toMatchObject({ outcome: 'FAILED', error: { retryable: false } });
    expect(failed({ toString: () => 'odd' })).toEqual({ outcome: 'FAILED', error: { message: 'odd', retryable: true } });
    expect(aborted('COVERED', 0)).toMatchObject({ outcome: 'CANCELLED', error: { retryable: false } });
    expect(aborted('TIMEOUT', 0).outcome).toBe('TIMED_OUT');
    expect(aborted(new DOMException('gone', 'AbortError'), 0)).toMatchObject({ outcome: 'CANCELLED', error: { message: 'The run was cancelled (AbortError: gone)' } });
  });

  it('clamps progress and truncates long log lines', () => {
    expect([clampProgress(49.5), clampProgress(-1), clampProgress(Infinity), clampProgress('5'), clampProgress(NaN)]).toEqual([50, 0, 100, null, null]);
    const long = makeLogLine('warn', ['z'.repeat(MAX_LOG_LINE_CHARS + 10)]);
    expect(long.message.endsWith('… [line truncated]')).toBe(true);
    expect(long.message.length).toBeLessThan(MAX_LOG_LINE_CHARS + 30);
  });
});
