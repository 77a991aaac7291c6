import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { GlobalExceptionFilter } from './common/errors/global-exception.filter.js';
import { requestIdMiddleware } from './common/http/request-id.js';
import { accessLogMiddleware, requestLogContextMiddleware } from './common/logging/access-log.js';
import { PinoLoggerService } from './common/logging/pino-logger.service.js';
import { createValidationPipe } from './common/http/validation.pipe.js';

/** Builds the configured HTTP application (shared by main.ts and the tests). */
export async function createServerApp(opts: AppModuleOptions & { quiet?: boolean }): Promise<NestExpressApplication> {
  const level: LogLevel = opts.quiet ? 'error' : opts.config.logLevel;
  const logger = new PinoLoggerService({ level, format: opts.config.logFormat, nodeId: opts.config.nodeId });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(opts), { bodyParser: false, logger });
  app.use(requestIdMiddleware);
  app.use(accessLogMiddleware);
  app.set('trust proxy', opts.config.trustProxy);
  app.use(securityHeaders(opts.config.cookieSecure));
  if (opts.config.corsOrigins.length > 0) {
    app.enableCors({ origin: [...opts.config.corsOrigins], credentials: true, allowedHeaders: ['content-type', 'authorization', 'x-csrf-token', 'x-request-id'], exposedHeaders: ['x-request-id', 'retry-after'] });
  }
  app.useBodyParser('json', { limit: opts.config.bodyLimitBytes });
  app.use(requestLogContextMiddleware);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.setGlobalPrefix('api/v1', { exclude: ['healthz', 'readyz', 'metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new GlobalExceptionFilter());
  app.enableShutdownHooks();
  setupOpenApi(app);
  serveConsole(app);
  return app;
}

/**
 * helmet's headers, with a CSP the console works under: its own scripts only, inline styles
 * (the component library injects them), images from itself and data: URLs, and API and
 * socket.io calls to the same origin (CSP3 'self' covers ws:/wss: to the same host).
 * upgrade-insecure-requests only when served over HTTPS (COOKIE_SECURE), or a plain-HTTP
 * install could not load its own assets.
 */
function securityHeaders(https: boolean) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https,
  });
}

/** Paths that are never the console's: the API, probes, metrics and sockets keep their own 404s. */
const NOT_CONSOLE = /^\/(api|metrics|healthz|readyz|socket\.io)(\/|$)/;

/**
 * The built admin console (admin-ui/dist), when present, is served at `/`. Its routes live in
 * the browser (`/jobs/12`, `/runs?status=FAILED`), so a page load of any other GET path that
 * wants HTML gets index.html and the console's router takes it from there.
 */
function serveConsole(app: NestExpressApplication): void {
  const dir = process.env.CONSOLE_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'admin-ui', 'dist');
  const index = resolve(dir, 'index.html');
  if (!existsSync(index)) return;
  app.useStaticAssets(dir, { index: 'index.html' });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CONSOLE.test(req.path) || /\.\w+$/.test(req.path) || !req.accepts('html')) return next();
    res.sendFile(index);
  });
}

function setupOpenApi(app: NestExpressApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('Baton API')
    .setDescription(
      'REST API of the Baton scheduler. Errors are `{ code, message, details }` with a 4xx status that says what to fix. ' +
        'Ids are 64-bit decimal strings. Lists are keyset-paginated: pass `nextCursor` back as `cursor`. ' +
        'Every route but the health probes and sign-in needs credentials: `Authorization: Bearer <api key>`, or the console session cookie plus `X-CSRF-Token` on unsafe methods.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (`bk_…`) created with POST /api/v1/api-keys.' }, 'apiKey')
    .addCookieAuth('baton_session', { type: 'apiKey', in: 'cookie', description: 'The console session; unsafe methods also need the X-CSRF-Token header.' }, 'session')
    .addSecurityRequirements('apiKey')
    .addSecurityRequirements('session')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs-json' });
}

export const bootLogger = new Logger('Baton');
