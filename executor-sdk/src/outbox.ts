import type { ProgressMessage, ResultMessage, ResultReply } from '@baton/protocol';
import type { SdkLogger } from './logger.js';
import { Waiters } from './internal/waiters.js';

export type AckedEvent = 'run.started.v1' | 'run.logs.v1' | 'run.result.v1';

/** A socket to one server node, as the outbox sees it. */
export interface Channel {
  readonly ready: boolean;
  request(event: AckedEvent, payload: unknown, done: (error: Error | null, reply?: unknown) => void): void;
  notify(event: 'run.progress.v1', payload: ProgressMessage): void;
}

export interface ChannelPicker {
  /** `preferred` when it is ready, else any ready channel, else null. */
  pick(preferred: Channel | null): Channel | null;
}

export interface OutboxOptions {
  picker: ChannelPicker;
  logger: SdkLogger;
  /** Most finished runs whose result is not acknowledged yet; beyond it the oldest is dropped. */
  maxBufferedResults: number;
  /** After an ack times out, wait this long before sending again. */
  retryDelayMs?: number;
  /** Most unacknowledged log batches kept per run; beyond it the oldest unsent one is dropped. */
  maxPendingLogBatches?: number;
}

interface Item {
  event: AckedEvent;
  payload: unknown;
  /** The channel it was last sent on and not acknowledged yet; null = to send. */
  sentOn: Channel | null;
  /** Tells a stale ack failure (from an earlier send) from the current one. */
  token: number;
}

interface Mailbox {
  key: string;
  /** The channel that dispatched the run: its messages go there while it is ready. */
  origin: Channel | null;
  items: Item[];
  finished: boolean;
  warnedLogDrop: boolean;
}

/**
 * Everything the executor must deliver reliably, per run and in order: `run.started.v1`, its
 * log batches, then its result. Each message is kept until the server acknowledges it and is
 * re-sent after a disconnect, on the run's own socket when it is up, otherwise on any
 * connected one. A run's messages stick to the socket already carrying some of them, so they
 * arrive in order. Finished runs are bounded by `maxBufferedResults`.
 */
export class Outbox {
  private readonly boxes = new Map<string, Mailbox>();
  /** Runs with an unacknowledged result, oldest first. */
  private readonly unackedResults = new Set<string>();
  private tokens = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Notified whenever a message is acknowledged or dropped. */
  readonly changed = new Waiters();

  constructor(private readonly options: OutboxOptions) {}

  get bufferedResults(): number {
    return this.unackedResults.size;
  }

  /** The runs whose result waits for an acknowledgement (their keys). */
  pendingResultKeys(): string[] {
    return [...this.unackedResults];
  }

  get isEmpty(): boolean {
    return this.boxes.size === 0;
  }

  open(key: string, origin: Channel | null): void {
    if (!this.boxes.has(key)) this.boxes.set(key, { key, origin, items: [], finished: false, warnedLogDrop: false });
  }

  enqueue(key: string, event: 'run.started.v1' | 'run.logs.v1', payload: unknown): void {
    const box = this.boxes.get(key);
    if (!box || box.finished) return;
    if (event === 'run.logs.v1') this.boundLogs(box);
    box.items.push({ event, payload, sentOn: null, token: 0 });
    this.pumpBox(box);
  }

  /** Queues the run's result after its log batches, and bounds the finished runs kept. */
  finish(key: string, result: ResultMessage): void {
    this.open(key, null);
    const box = this.boxes.get(key)!;
    box.items.push({ event: 'run.result.v1', payload: result, sentOn: null, token: 0 });
    box.finished = true;
    this.unackedResults.add(key);
    while (this.unackedResults.size > this.options.maxBufferedResults) {
      const oldest = this.unackedResults.values().next().value as string;
      this.options.logger.error(`Result outbox is full (maxBufferedResults ${this.options.maxBufferedResults}): dropped the unacknowledged result of run ${oldest}`);
      this.remove(oldest);
    }
    this.pumpBox(box);
  }

  /** Fire-and-forget (progress): on the run's current socket if one is up, else dropped. */
  transient(key: string, payload: ProgressMessage): void {
    const box = this.boxes.get(key);
    if (box) this.target(box)?.notify('run.progress.v1', payload);
  }

  /** A duplicate dispatch came on `channel`: make it the run's socket. */
  retarget(key: string, channel: Channel): void {
    const box = this.boxes.get(key);
    if (box) box.origin = channel;
  }

  /**
   * Sends again, on `channel`, every message of the run not acknowledged yet (a duplicate
   * dispatch suggests the server never got them). Returns false when nothing was pending.
   */
  resend(key: string, channel: Channel): boolean {
    const box = this.boxes.get(key);
    if (!box) return false;
    box.origin = channel;
    for (const item of box.items) item.sentOn = null;
    this.pumpBox(box);
    return true;
  }

  /** A socket went down: what it carried unacknowledged goes out again elsewhere (or later). */
  channelDown(channel: Channel): void {
    for (const box of this.boxes.values()) {
      for (const item of box.items) if (item.sentOn === channel) item.sentOn = null;
    }
    this.pump();
  }

  /** Sends everything unsent on the sockets that are up (called on every (re)connect). */
  pump(): void {
    if (this.disposed) return;
    for (const box of this.boxes.values()) this.pumpBox(box);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retryTimer);
  }

  private pumpBox(box: Mailbox): void {
    if (this.disposed) return;
    const channel = this.target(box);
    if (!channel) return;
    for (const item of box.items) if (!item.sentOn?.ready) this.send(box, item, channel);
  }

  /** The socket already carrying some of the run's messages, else its origin, else any. */
  private target(box: Mailbox): Channel | null {
    for (const item of box.items) if (item.sentOn?.ready) return item.sentOn;
    return this.options.picker.pick(box.origin);
  }

  private send(box: Mailbox, item: Item, channel: Channel): void {
    const token = ++this.tokens;
    item.sentOn = channel;
    item.token = token;
    channel.request(item.event, item.payload, (error, reply) => this.onReply(box, item, token, error, reply));
  }

  private onReply(box: Mailbox, item: Item, token: number, error: Error | null, reply: unknown): void {
    if (error) {
      // Timed out or disconnected: send again, unless a newer send of the same item is under way.
      if (item.token === token && item.sentOn) {
        item.sentOn = null;
        this.scheduleRetry();
      }
      return;
    }
    const index = box.items.indexOf(item);
    if (index < 0) return;
    box.items.splice(index, 1);
    if (item.event === 'run.result.v1') this.onResultReply(box, item.payload as ResultMessage, reply as ResultReply | undefined);
    if (box.finished && box.items.length === 0 && this.boxes.get(box.key) === box) this.boxes.delete(box.key);
    this.changed.notify();
  }

  /** Accepted or not, a reply means the server has decided: drop the result either way. */
  private onResultReply(box: Mailbox, result: ResultMessage, reply: ResultReply | undefined): void {
    this.unackedResults.delete(box.key);
    if (reply && reply.accepted === false) {
      this.options.logger.warn(`The server did not record the result of run ${result.runId} attempt ${result.attempt}: ${reply.reason ?? 'no reason given'}`);
    }
  }

  private boundLogs(box: Mailbox): void {
    const max = this.options.maxPendingLogBatches ?? 1000;
    const logs = box.items.filter((i) => i.event === 'run.logs.v1');
    if (logs.length < max) return;
    const victim = logs.find((i) => i.sentOn === null) ?? logs[0]!;
    box.items.splice(box.items.indexOf(victim), 1);
    if (!box.warnedLogDrop) {
      box.warnedLogDrop = true;
      this.options.logger.warn(`Run ${box.key}: more than ${max} log batches are waiting for the server; dropping the oldest`);
    }
  }

  private remove(key: string): void {
    this.boxes.delete(key);
    this.unackedResults.delete(key);
    this.changed.notify();
  }

  private scheduleRetry(): void {
    if (this.disposed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, this.options.retryDelayMs ?? 1000);
  }
}
