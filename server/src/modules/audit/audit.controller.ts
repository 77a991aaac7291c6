import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEntryDto, Page } from '@baton/protocol';
import { allow, RoutePolicies } from '../auth/route-policy.js';
import { AuditService } from './audit.service.js';
import { ListAuditQueryDto } from './dto/audit.dto.js';

@ApiTags('audit')
@Controller('audit')
@RoutePolicies<AuditController>({
  list: { allow: allow.admin() },
})
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit log (admin)', description: 'Who did what, when and from where; newest first, keyset-paginated.' })
  list(@Query() query: ListAuditQueryDto): Promise<Page<AuditEntryDto>> {
    return this.audit.list(query);
  }
}
