import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { ApiErrorBody, ErrorCode } from '@baton/protocol';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error.js';
import { httpStatusFor } from './http-status.js';

/**
 * Turns every error into `{ code, message, details }`. Domain errors keep their code; framework
 * errors (bad JSON, oversized body, unknown route) get one; anything else is a 500 that carries
 * only a request id, with the real error in the log.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const { status, body } = this.toResponse(error, req);
    if (res.headersSent) return;
    if (error instanceof DomainError && error.headers) res.set(error.headers);
    res.status(status).json(body);
  }

  private toResponse(error: unknown, req: Request): { status: number; body: ApiErrorBody } {
    if (error instanceof DomainError) {
      const body: ApiErrorBody = { code: error.code, message: error.message };
      if (error.details !== undefined) body.details = error.details;
      return { status: httpStatusFor(error.code), body };
    }
    // Nest may wrap body-parser's error in an HttpException; the original is then its cause.
    const parserError = fromBodyParser(error) ?? fromBodyParser((error as { cause?: unknown })?.cause);
    if (parserError) return parserError;
    if (error instanceof HttpException && error.getStatus() < 500) {
      return fromHttpException(error, req);
    }
    const requestId = req.requestId ?? randomUUID();
    this.logger.error(`${req.method} ${req.originalUrl} failed [request ${requestId}]`, error instanceof Error ? error.stack : String(error));
    return {
      status: 500,
      body: { code: 'INTERNAL_ERROR', message: `Internal error; quote request id ${requestId} when reporting it.`, requestId },
    };
  }
}

function fromHttpException(error: HttpException, req: Request): { status: number; body: ApiErrorBody } {
  const status = error.getStatus();
  if (status === 404) {
    return { status, body: { code: 'ROUTE_NOT_FOUND', message: `No route ${req.method} ${req.path}. See /api/docs for the API.` } };
  }
  const code: ErrorCode = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED';
  return { status, body: { code, message: error.message } };
}

/** body-parser raises plain errors with `type` and `status`. */
function fromBodyParser(error: unknown): { status: number; body: ApiErrorBody } | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  const type = (error as { type?: unknown }).type;
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, body: { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON.' } };
    case 'entity.too.large':
      return { status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than the server accepts (BODY_LIMIT_BYTES).' } };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as UTF-8 JSON.' } };
    case 'request.aborted':
    case 'request.size.invalid':
      return { status: 400, body: { code: 'VALIDATION_FAILED', message: 'The request body was incomplete.' } };
    default:
      return null;
  }
}
