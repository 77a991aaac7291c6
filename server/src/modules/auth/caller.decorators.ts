import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { actorOf, type Actor, type AppScope, type Principal } from './principal.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the access guard: who is calling (null = anonymous on a public route). */
    principal?: Principal | null;
    /** Set by the access guard on `anyApp` routes: the apps the caller may act on. */
    callerScope?: AppScope;
  }
}

/** Who is calling, for audit entries written by a service. */
export interface CallerMeta {
  principal: Principal | null;
  actor: Actor;
  ip: string;
  requestId: string;
}

export function callerMetaOf(req: Request): CallerMeta {
  const principal = req.principal ?? null;
  return { principal, actor: actorOf(principal), ip: req.ip ?? '', requestId: req.requestId };
}

/** The apps the caller may act on, on an `anyApp` route. */
export const CallerScope = createParamDecorator((_: unknown, ctx: ExecutionContext): AppScope => {
  const scope = ctx.switchToHttp().getRequest<Request>().callerScope;
  if (!scope) throw new Error('CallerScope used on a route whose policy is not anyApp');
  return scope;
});

/** Principal, actor, address and request id, for services that write audit entries themselves. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): CallerMeta => callerMetaOf(ctx.switchToHttp().getRequest<Request>()));
