import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { GlobalExceptionFilter } from './common/errors/global-exception.filter.js';
import { requestIdMiddleware } from './common/http/request-id.js';
import { createValidationPipe } from './common/http/validation.pipe.js';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Builds the configured HTTP application (shared by main.ts and the tests). */
export async function createServerApp(opts: AppModuleOptions & { quiet?: boolean }): Promise<NestExpressApplication> {
  const level = opts.quiet ? 'error' : opts.config.logLevel;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(opts), {
    bodyParser: false,
    logger: LEVELS.slice(0, LEVELS.indexOf(level) + 1),
  });
  app.use(requestIdMiddleware);
  app.useBodyParser('json', { limit: opts.config.bodyLimitBytes });
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
        'Ids are 64-bit decimal strings. Lists are keyset-paginated: pass `nextCursor` back as `cursor`.',
    )
    .setVersion('1')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs-json' });
}

export const bootLogger = new Logger('Baton');
