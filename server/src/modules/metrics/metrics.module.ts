import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { timeQueries } from '../../database/query-timing.js';
import { BatonMetrics } from './baton-metrics.js';
import { MetricsController } from './metrics.controller.js';

/** Feeds baton_db_query_seconds from every statement of this app's DataSource. */
@Injectable()
class DatabaseQueryMetrics implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: BatonMetrics,
  ) {}

  onModuleInit(): void {
    timeQueries(this.dataSource, (kind, seconds) => this.metrics.dbQuery.observe({ kind }, seconds));
  }
}

/**
 * Prometheus metrics: one BatonMetrics (and registry) per app instance, injected wherever a
 * series is fed, and GET /metrics. Global, so domain modules need not import it.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: BatonMetrics, useFactory: () => new BatonMetrics() }, DatabaseQueryMetrics],
  exports: [BatonMetrics],
})
export class MetricsModule {}
