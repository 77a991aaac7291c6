import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../../common/errors/domain-error.js';
import { Authenticator, credentialsOf } from '../auth/authenticator.js';
import { ROUTE_POLICIES, type AppSource, type RoutePolicy } from '../auth/route-policy.js';
import { decideAccess } from './access-decision.js';
import { ResourceAppsRepository } from './resource-apps.repository.js';

/** The policy a controller declared for the route being called, or undefined. */
export function policyOf(reflector: Reflector, ctx: ExecutionContext): RoutePolicy | undefined {
  const policies = reflector.get<Record<string, RoutePolicy> | undefined>(ROUTE_POLICIES, ctx.getClass());
  return policies?.[ctx.getHandler().name];
}

/**
 * Every HTTP route passes here. Fail closed: a route without a declared policy is refused, a
 * request with bad credentials is refused (never treated as anonymous), and only `public` routes
 * admit anonymous callers.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('AccessGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly resources: ResourceAppsRepository,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true; // socket gateways authenticate their own handshakes
    const req = ctx.switchToHttp().getRequest<Request>();
    const policy = policyOf(this.reflector, ctx);
    if (!policy) {
      this.logger.error(`${ctx.getClass().name}.${ctx.getHandler().name} declares no route policy; refusing ${req.method} ${req.path}`);
      throw new DomainError('FORBIDDEN', 'This route declares no access policy, so it is closed.');
    }
    if (policy.allow.kind === 'public') {
      req.principal = await this.authenticator.authenticate(credentialsOf(req)).catch(() => null);
      return true;
    }
    const principal = await this.authenticator.authenticate(credentialsOf(req));
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'Sign in, or send an API key as `Authorization: Bearer <key>`.');
    req.principal = principal;
    const appIds = policy.allow.kind === 'app' ? await this.appsOf(policy.allow.sources, req) : [];
    const decision = decideAccess(policy.allow, principal, appIds);
    if (!decision.allowed) throw new DomainError('FORBIDDEN', decision.reason);
    if (decision.scope) req.callerScope = decision.scope;
    return true;
  }

  private async appsOf(sources: readonly AppSource[], req: Request): Promise<string[]> {
    const found: string[] = [];
    for (const source of sources) {
      const ref = referenceIn(source, req);
      if (ref === undefined) continue;
      const appId = await this.resources.appIdOf(source.kind, ref);
      if (appId !== null) found.push(appId);
    }
    return found;
  }
}

/** The reference a source points at, when present and a string (anything else fails validation later). */
export function referenceIn(source: AppSource, req: Request): string | undefined {
  const bag: unknown = source.in === 'param' ? req.params : source.in === 'query' ? req.query : req.body;
  const value = bag !== null && typeof bag === 'object' ? (bag as Record<string, unknown>)[source.name] : undefined;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
