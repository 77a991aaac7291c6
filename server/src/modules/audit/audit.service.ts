import { Injectable, Logger } from '@nestjs/common';
import type { AuditActorType, AuditEntryDto, Page } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { invalidField } from '../../common/errors/domain-error.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../../common/http/pagination.js';
import type { AuditLogEntity } from './audit-log.entity.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { AuditRecorder, type AuditEvent } from './audit-recorder.js';
import type { ListAuditQueryDto } from './dto/audit.dto.js';
import { redactSecrets } from '../../common/redact-secrets.js';

/** Details longer than this (as JSON) are cut, so one entry cannot bloat the table. */
const MAX_DETAILS_CHARS = 16_000;

@Injectable()
export class AuditService extends AuditRecorder {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly entries: AuditLogRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  async record(event: AuditEvent): Promise<void> {
    try {
      await this.entries.insert({
        at: this.clock.now(),
        actorType: event.actor.type,
        actorId: event.actor.id,
        actorName: event.actor.name.slice(0, 255),
        action: event.action.slice(0, 64),
        targetType: event.target?.type.slice(0, 32) ?? null,
        targetId: event.target?.id.slice(0, 64) ?? null,
        ip: event.ip.slice(0, 64),
        requestId: event.requestId.slice(0, 64),
        details: event.details ? serializeDetails(event.details) : null,
      });
    } catch (error) {
      // The audited change already happened; failing the request now would only hide that.
      this.logger.error(`could not record audit entry ${event.action}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async list(query: ListAuditQueryDto): Promise<Page<AuditEntryDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const from = parseInstant(query.from, 'from');
    const to = parseInstant(query.to, 'to');
    const rows = await this.entries.list({ ...query, from, to }, decodeCursor(query.cursor), limit + 1);
    return toPage(rows, limit, toAuditEntryDto);
  }
}

function serializeDetails(details: Record<string, unknown>): string {
  const json = JSON.stringify(redactSecrets(details));
  return json.length <= MAX_DETAILS_CHARS ? json : JSON.stringify({ truncated: true, start: json.slice(0, MAX_DETAILS_CHARS - 100) });
}

function parseInstant(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw invalidField(field, 'must be an ISO 8601 instant, e.g. 2026-11-21T09:00:00Z');
  return at;
}

export function toAuditEntryDto(e: AuditLogEntity): AuditEntryDto {
  let details: Record<string, unknown> | null = null;
  if (e.details) {
    try {
      details = JSON.parse(e.details) as Record<string, unknown>;
    } catch {
      details = { unparsable: true };
    }
  }
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: { type: e.actorType as AuditActorType, id: e.actorId, name: e.actorName },
    action: e.action,
    target: e.targetType && e.targetId ? { type: e.targetType, id: e.targetId } : null,
    ip: e.ip,
    requestId: e.requestId,
    details,
  };
}
