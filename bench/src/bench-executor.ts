/**
 * The bench's executor process: the real SDK with one no-op handler, `noop`, that records when it
 * started against the run's planned time and reports the records to the bench over IPC in batches.
 */
import { createExecutor } from '@baton/executor-sdk';

type StartRecord = [runId: string, jobId: string, scheduledAt: number, startedAt: number];

const send = (message: unknown) => process.send?.(message);
let pending: StartRecord[] = [];

const executor = createExecutor({
  servers: process.env.BENCH_SERVERS!.split(','),
  app: process.env.BENCH_APP!,
  token: process.env.BENCH_TOKEN!,
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 100),
});

executor.handle('noop', (ctx) => {
  pending.push([ctx.runId, ctx.jobId, ctx.scheduledAt.getTime(), Date.now()]);
});

const flush = setInterval(() => {
  if (pending.length === 0) return;
  send({ type: 'starts', starts: pending });
  pending = [];
}, 50);

process.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  clearInterval(flush);
  if (pending.length) send({ type: 'starts', starts: pending });
  void executor.close({ timeoutMs: 5_000 }).finally(() => process.exit(0));
});

executor.start().then(
  () => send({ type: 'ready' }),
  (error: unknown) => {
    send({ type: 'error', error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
