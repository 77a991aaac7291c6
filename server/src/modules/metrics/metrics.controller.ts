import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { BatonMetrics } from './baton-metrics.js';
import { RoutePolicies, allow } from '../auth/route-policy.js';

/** Prometheus scrape endpoint; outside /api/v1 and left out of the OpenAPI document. */
@ApiExcludeController()
@RoutePolicies<MetricsController>({
  // Metrics span every app, so scraping needs read access to all of them (an admin, or an all-apps key with `read`).
  scrape: { allow: allow.allApps('read') },
})
@Controller()
export class MetricsController {
  constructor(private readonly metrics: BatonMetrics) {}

  @Get('metrics')
  async scrape(@Res() res: Response): Promise<void> {
    const body = await this.metrics.render();
    res.status(200).type(this.metrics.contentType).send(body);
  }
}
