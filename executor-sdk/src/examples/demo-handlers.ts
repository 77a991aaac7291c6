import { setTimeout as sleep } from 'node:timers/promises';
import { NonRetryableError, type Executor } from '../index.js';

export interface DemoHandlerOptions {
  /** Extra delay before every handler does its work (an abortable wait, except in demo.ignoreAbort). */
  delayMs: number;
}

const num = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback);

/** The demo's handlers; the server's end-to-end tests rely on these names and behaviours. */
export function registerDemoHandlers(executor: Executor, { delayMs }: DemoHandlerOptions): void {
  const pause = (signal: AbortSignal | undefined) => (delayMs > 0 ? sleep(delayMs, undefined, { signal }) : Promise.resolve());

  executor.handle('demo.hello', async (ctx) => {
    await pause(ctx.signal);
    const name = typeof ctx.params?.name === 'string' ? ctx.params.name : 'world';
    ctx.log(`saying hello to ${name}`);
    return { greeting: `Hello, ${name}!`, params: ctx.params ?? null };
  });

  executor.handle('demo.fail', async (ctx) => {
    await pause(ctx.signal);
    const message = typeof ctx.params?.message === 'string' ? ctx.params.message : 'demo.fail failed on purpose';
    ctx.log.error(message);
    throw ctx.params?.nonRetryable ? new NonRetryableError(message) : new Error(message);
  });

  executor.handle('demo.flaky', async (ctx) => {
    await pause(ctx.signal);
    // Retryable failures, at random: the demo's `flaky` job shows retries and backoff with it.
    const failureRate = Math.min(1, num(ctx.params?.failureRate, 0.5));
    if (Math.random() < failureRate) {
      ctx.log.warn(`attempt ${ctx.attempt} failed (failure rate ${failureRate})`);
      throw new Error(`flaky failure on attempt ${ctx.attempt}`);
    }
    ctx.log(`attempt ${ctx.attempt} succeeded`);
    return { attempt: ctx.attempt };
  });

  executor.handle('demo.slow', async (ctx) => {
    await pause(ctx.signal);
    const ms = num(ctx.params?.ms, 5000);
    const steps = Math.max(1, Math.floor(num(ctx.params?.steps, 10)));
    for (let step = 1; step <= steps; step++) {
      // Honours the signal: an abort rejects the wait and ends the handler.
      await sleep(ms / steps, undefined, { signal: ctx.signal });
      ctx.progress((step * 100) / steps);
      ctx.log(`step ${step}/${steps}`);
    }
    return { steps, ms };
  });

  executor.handle('demo.ignoreAbort', async (ctx) => {
    await pause(undefined);
    const ms = num(ctx.params?.ms, 5000);
    ctx.log(`running for ${ms} ms whatever the signal says`);
    await sleep(ms);
    return { ms, abortedMeanwhile: ctx.signal.aborted };
  });

  executor.handle('demo.shard', async (ctx) => {
    await pause(ctx.signal);
    ctx.log(`shard ${ctx.shard.index + 1} of ${ctx.shard.total}`);
    return { shard: ctx.shard };
  });

  executor.handle('demo.echo', async (ctx) => {
    await pause(ctx.signal);
    return { params: ctx.params ?? null, attempt: ctx.attempt, shard: ctx.shard, runId: ctx.runId, parent: ctx.parent };
  });
}
