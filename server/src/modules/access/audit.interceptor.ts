import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { mergeMap, type Observable } from 'rxjs';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { redactSecrets } from '../../common/redact-secrets.js';
import { callerMetaOf } from '../auth/caller.decorators.js';
import type { RoutePolicy } from '../auth/route-policy.js';
import { policyOf } from './access.guard.js';

/** Request bodies are kept in the audit log up to this size; params of big batches are summarised. */
const MAX_DETAIL_CHARS = 4000;

/** Records routes whose policy names an audit action, once the handler has succeeded. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditRecorder,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const policy = ctx.getType() === 'http' ? policyOf(this.reflector, ctx) : undefined;
    if (!policy?.audit) return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.record(policy as RoutePolicy & { audit: string }, req, result);
        return result;
      }),
    );
  }

  private record(policy: RoutePolicy & { audit: string }, req: Request, result: unknown): Promise<void> {
    const caller = callerMetaOf(req);
    return this.audit.record({
      actor: caller.actor,
      action: policy.audit,
      target: targetOf(policy, req, result),
      ip: caller.ip,
      requestId: caller.requestId,
      details: detailsOf(req, result),
    });
  }
}

/** The resource acted on: the route's first path resource, else the id of what was created. */
function targetOf(policy: RoutePolicy & { audit: string }, req: Request, result: unknown): { type: string; id: string } | null {
  const params = req.params as Record<string, string>;
  const source = policy.allow.kind === 'app' ? policy.allow.sources.find((s) => s.in === 'param') : undefined;
  if (source && params[source.name]) return { type: source.kind, id: params[source.name]! };
  const named = Object.entries(params)[0];
  const type = policy.audit.split('.')[0]!;
  if (named) return { type, id: named[1] };
  const id = (result as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? { type, id } : null;
}

function detailsOf(req: Request, result: unknown): Record<string, unknown> | null {
  const details: Record<string, unknown> = {};
  if (req.body && typeof req.body === 'object' && Object.keys(req.body as object).length > 0) {
    const body = JSON.stringify(redactSecrets(req.body));
    details.request = body.length <= MAX_DETAIL_CHARS ? JSON.parse(body) : { truncated: true, chars: body.length };
  }
  const resultId = (result as { id?: unknown } | null)?.id;
  if (typeof resultId === 'string') details.resultId = resultId;
  return Object.keys(details).length > 0 ? details : null;
}
