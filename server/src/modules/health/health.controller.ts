import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError } from '../../common/errors/domain-error.js';
import { ReadinessService, type Checks } from './readiness.service.js';
import { RoutePolicies, allow } from '../auth/route-policy.js';

/** Liveness and readiness for orchestrators; outside /api/v1 and unauthenticated by design. */
@ApiExcludeController()
@RoutePolicies<HealthController>({
  // Probes carry no data worth protecting and must work for load balancers without credentials.
  healthz: { allow: allow.public() },
  readyz: { allow: allow.public() },
})
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when the database answers, the schema is current and this node is registered; else 503 naming what is not. */
  @Get('readyz')
  async readyz(): Promise<{ status: 'ready'; checks: Checks }> {
    const { ready, checks } = await this.readiness.check();
    if (!ready) {
      const failing = Object.entries(checks).filter(([, c]) => c !== 'ok');
      throw new DomainError('NOT_READY', `Not ready: ${failing.map(([name, c]) => `${name} ${c}`).join('; ')}.`, { checks });
    }
    return { status: 'ready', checks };
  }
}
