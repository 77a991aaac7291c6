import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ROUTE_POLICIES, type RoutePolicy } from '../../src/modules/auth/route-policy.js';

export interface DiscoveredRoute {
  /** `GET /jobs/:job` — relative to /api/v1 for API routes, absolute (`/healthz`) for the rest. */
  key: string;
  method: string;
  path: string;
  /** Whether the route lives under /api/v1. */
  api: boolean;
  controller: string;
  handler: string;
  policy: RoutePolicy | undefined;
}

/** Paths registered outside the global `api/v1` prefix (see app.factory.ts). */
const UNPREFIXED = new Set(['/healthz', '/readyz', '/metrics']);

/** Every HTTP route of every controller in the running app, with the policy it declares. */
export function discoverRoutes(app: INestApplication): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      const policies = (Reflect.getMetadata(ROUTE_POLICIES, type) ?? {}) as Record<string, RoutePolicy>;
      for (const handler of Object.getOwnPropertyNames(type.prototype)) {
        const fn = (type.prototype as Record<string, unknown>)[handler];
        if (handler === 'constructor' || typeof fn !== 'function') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, fn) as string | undefined;
        if (sub === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod]!;
        const path = `/${[base, sub].map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
        routes.push({ key: `${method} ${path}`, method, path, api: !UNPREFIXED.has(path), controller: type.name, handler, policy: policies[handler] });
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}
