import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClusterDto } from '@baton/protocol';
import { ClusterService } from './cluster.service.js';
import { RoutePolicies, allow } from '../auth/route-policy.js';

@ApiTags('cluster')
@RoutePolicies<ClusterController>({
  describe: { allow: allow.signedIn() },
})
@Controller('cluster')
export class ClusterController {
  constructor(private readonly cluster: ClusterService) {}

  @Get()
  @ApiOperation({
    summary: 'Cluster state',
    description: 'Server nodes with their version and last heartbeat, the current leader, its epoch and lease expiry (on the database clock).',
  })
  describe(): Promise<ClusterDto> {
    return this.cluster.describe();
  }
}
