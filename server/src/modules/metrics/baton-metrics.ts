import { Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client';

/** Planned → dispatched / started, send → ack: from a millisecond to a minute. */
const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** One SQL statement: sub-millisecond to seconds. */
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** One trigger tick (several batches and transactions). */
const TICK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Label sets and values a scraped gauge reports, read from the current state when scraped. */
export type GaugeSource<T extends string> = () => Promise<Array<[LabelValues<T>, number]>> | Array<[LabelValues<T>, number]>;

/**
 * A gauge whose values are read from a source registered by the code that owns the state
 * (this node's executor registry, the leader's outbox) each time /metrics is scraped. A source
 * that fails leaves the gauge empty for that scrape instead of failing the scrape.
 */
export class ScrapedGauge<T extends string> {
  private source: GaugeSource<T> | null = null;
  readonly gauge: Gauge<T>;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly T[], logger: Logger) {
    const read = () => this.source;
    this.gauge = new Gauge<T>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const source = read();
        if (!source) return;
        let values: Array<[LabelValues<T>, number]> = [];
        try {
          values = await source();
        } catch (error) {
          logger.warn(`${name}: ${(error as Error).message}`);
        }
        this.reset();
        // reset() leaves an unlabeled gauge at 0; no value from the source means no sample at all.
        if (values.length === 0 && labelNames.length === 0) this.remove({} as LabelValues<T>);
        for (const [labels, value] of values) this.set(labels, value);
      },
    });
  }

  /** Registers where the values come from (one source per gauge). */
  readFrom(source: GaugeSource<T>): void {
    this.source = source;
  }
}

/**
 * Baton's Prometheus series, in a registry of their own per app instance (never prom-client's
 * global one: several apps run in one test process and must not share values). Labels stay
 * low-cardinality on purpose: app, trigger type, status, node, channel type, query kind. There
 * is never a job or run label, since jobs can number a million and each label value is a
 * series Prometheus keeps in memory.
 */
export class BatonMetrics {
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');

  readonly firesTotal = new Counter({
    name: 'baton_fires_total',
    help: 'Runs created to run: fires the trigger loop planned (schedule and misfire) and runs requested through the trigger API.',
    labelNames: ['app_id', 'trigger_type'] as const,
    registers: [this.registry],
  });

  readonly dispatchLateness = new Histogram({
    name: 'baton_run_dispatch_lateness_seconds',
    help: 'From a run\'s planned time (scheduled_at) to its dispatch to an executor.',
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });

  readonly startLateness = new Histogram({
    name: 'baton_run_start_lateness_seconds',
    help: 'From a run\'s planned time (scheduled_at) to its handler\'s start, as the executor reported it.',
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });

  readonly dispatchAck = new Histogram({
    name: 'baton_dispatch_ack_seconds',
    help: 'From sending a dispatch batch to the executor\'s acknowledgement (answered sends only).',
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });

  readonly runsFinished = new Counter({
    name: 'baton_runs_finished_total',
    help: 'Runs that ended, by final status, counted on the node that recorded the end.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly retriesScheduled = new Counter({
    name: 'baton_retries_scheduled_total',
    help: 'Retry attempts inserted after a failed run.',
    registers: [this.registry],
  });

  readonly runsRecovered = new Counter({
    name: 'baton_runs_recovered_total',
    help: 'Runs the leader\'s recoverer ended or re-queued: LOST, REQUEUED (dispatch never acknowledged), CANCELLED (kill grace passed), TIMED_OUT (timeout grace passed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly leader = new Gauge({
    name: 'baton_leader',
    help: '1 while this node holds the scheduler lease, else 0.',
    labelNames: ['node'] as const,
    registers: [this.registry],
  });

  readonly leaderEpoch = new Gauge({
    name: 'baton_leader_epoch',
    help: 'Epoch of the latest term this node led (0 if it never led); the highest across nodes is the current one.',
    labelNames: ['node'] as const,
    registers: [this.registry],
  });

  readonly triggerTick = new Histogram({
    name: 'baton_trigger_tick_seconds',
    help: 'Duration of one trigger-loop tick on the leader.',
    buckets: TICK_BUCKETS,
    registers: [this.registry],
  });

  readonly dbQuery = new Histogram({
    name: 'baton_db_query_seconds',
    help: 'Duration of one SQL statement on the server\'s connection pool (waiting for a connection excluded), by statement kind.',
    labelNames: ['kind'] as const,
    buckets: QUERY_BUCKETS,
    registers: [this.registry],
  });

  readonly alertsSent = new Counter({
    name: 'baton_alerts_sent_total',
    help: 'Alert delivery outcomes: SENT, RETRY (attempt failed, tried again later), FAILED (gave up, or the channel was gone).',
    labelNames: ['channel_type', 'status'] as const,
    registers: [this.registry],
  });

  readonly executorsOnline = new ScrapedGauge(this.registry, 'baton_executors_online', 'Executor instances connected to this node, by app name.', ['app'] as const, this.logger);

  readonly runsWaiting = new ScrapedGauge(
    this.registry,
    'baton_runs_waiting',
    'SCHEDULED runs already due and not yet dispatched (reported by the leader only; counted up to 100000).',
    [] as const,
    this.logger,
  );

  /** The Prometheus text exposition: this app's series, then the process's. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    return `${own}${own.endsWith('\n') ? '' : '\n'}${await processRegistry().metrics()}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Seconds from `from` to `to`, never negative (clocks of different machines may disagree a little). */
export function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, to.getTime() - from.getTime()) / 1000;
}

let processMetrics: Registry | null = null;

/**
 * Node's default process metrics (CPU, memory, event-loop lag, GC, handles), collected once per
 * process into a registry of their own. They describe the process, not an app instance; and
 * prom-client's event-loop monitor and GC observer cannot be stopped once started, so collecting
 * them per app would leave one of each running for every app a test process ever closed.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
