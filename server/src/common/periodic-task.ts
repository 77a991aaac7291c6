import type { Logger } from '@nestjs/common';

/**
 * Runs `fn` now and then every `intervalMs` after the previous run ended (never overlapping).
 * `stop()` cancels the next run and waits for the one in flight, so a duty that stops is done.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private running = false;

  constructor(
    private readonly name: string,
    private readonly intervalMs: () => number,
    private readonly fn: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.runOnce(), delayMs);
    this.timer.unref?.();
  }

  private async runOnce(): Promise<void> {
    if (!this.running) return;
    this.inFlight = this.fn().catch((error: unknown) => {
      this.logger.error(`${this.name} failed: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error.stack : undefined);
    });
    await this.inFlight;
    this.inFlight = null;
    if (this.running) this.schedule(this.intervalMs());
  }
}

/** Rejects when `promise` takes longer than `ms`, so a hung database call cannot stall a fail-closed decision. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
