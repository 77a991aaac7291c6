import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../src/index.js';
import { runHandler } from '../src/testing/index.js';

describe('runHandler (testing kit)', () => {
  it('returns the result, the logs and every progress value', async () => {
    const outcome = await runHandler(
      async (ctx) => {
        ctx.log('hello %s', ctx.params.name, { n: 1 });
        ctx.log.error('bad thing');
        ctx.progress(10.4);
        ctx.progress(-5);
        ctx.progress(250);
        ctx.progress(Number.NaN);
        return { shard: ctx.shard, attempt: ctx.attempt, runId: ctx.runId };
      },
      { params: { name: 'Ada' }, shard: { index: 2, total: 3 }, attempt: 4, runId: 'r-1' },
    );
    expect(outcome.outcome).toBe('SUCCEEDED');
    expect(outcome.result).toEqual({ shard: { index: 2, total: 3 }, attempt: 4, runId: 'r-1' });
    expect(outcome.logs.map((l) => [l.level, l.message])).toEqual([
      ['info', 'hello Ada { n: 1 }'],
      ['error', 'bad thing'],
    ]);
    expect(outcome.progress).toEqual([10, 0, 100]);
    expect(outcome.error).toBeUndefined();
  });

  it('reports failures, retryable or not', async () => {
    const retryable = await runHandler(() => {
      throw new Error('flaky');
    });
    expect(retryable).toMatchObject({ outcome: 'FAILED', error: { message: 'flaky', retryable: true } });
    expect(retryable).not.toHaveProperty('result');
    const final = await runHandler(async () => {
      throw new NonRetryableError('bad input');
    });
    expect(final.error).toMatchObject({ message: 'bad input', retryable: false });
  });

  it('times out like the executor: signal aborted with TIMEOUT, outcome TIMED_OUT', async () => {
    let reason: unknown;
    const outcome = await runHandler(
      (ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            reason = ctx.signal.reason;
            reject(new Error('aborted'));
          }),
        ),
      { timeoutMs: 30 },
    );
    expect(reason).toBe('TIMEOUT');
    expect(outcome).toMatchObject({ outcome: 'TIMED_OUT', error: { message: 'The run timed out after 30 ms', retryable: true } });
  });

  it('cancels through an external signal, and gives up on a handler ignoring it after the grace', async () => {
    const controller = new AbortController();
    const pending = runHandler((ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', resolve)), { signal: controller.signal });
    controller.abort('KILLED');
    expect((await pending).outcome).toBe('CANCELLED');

    const ignored = await runHandler(() => new Promise(() => {}), { signal: AbortSignal.abort('TIMEOUT'), killGraceMs: 20 });
    expect(ignored).toMatchObject({ outcome: 'TIMED_OUT', handlerIgnoredAbort: true });
    expect(ignored.logs.at(-1)?.level).toBe('warn');
  });

  it('applies the result size limit', async () => {
    const outcome = await runHandler(() => 'x'.repeat(50), { maxResultBytes: 10 });
    expect(outcome).toMatchObject({ outcome: 'FAILED', error: { retryable: false } });
  });
});
