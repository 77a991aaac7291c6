import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { withLogFields } from './log-context.js';

const logger = new Logger('HTTP');
/** Scrapes and probes arrive every few seconds; they are logged at debug level only. */
const QUIET_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

/**
 * One line per request when its response is sent: method, path (never the query string, which
 * may carry secrets), status, duration and request id. Mount right after the request-id
 * middleware, so requests the body parser refuses are logged too.
 */
export function accessLogMiddleware(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  const path = req.originalUrl.split('?')[0];
  res.once('finish', () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const line = { msg: `${req.method} ${path} ${res.statusCode} ${durationMs.toFixed(1)}ms`, method: req.method, path, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10, requestId: req.requestId };
    if (QUIET_PATHS.has(path)) logger.debug(line);
    else logger.log(line);
  });
  next();
}

/**
 * Makes `requestId` a field of every line logged while the request is served. Mount after the
 * body parser: its stream callbacks run outside the context set before it.
 */
export function requestLogContextMiddleware(req: Request, _res: Response, next: NextFunction): void {
  withLogFields({ requestId: req.requestId }, next);
}
