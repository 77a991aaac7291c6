import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { accessLogMiddleware, requestLogContextMiddleware } from '../../../src/common/logging/access-log.js';
import { withLogFields } from '../../../src/common/logging/log-context.js';
import { PinoLoggerService } from '../../../src/common/logging/pino-logger.service.js';

/** A logger writing JSON lines into memory. */
function capture(level: 'log' | 'debug' | 'error' = 'log') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const service = new PinoLoggerService({ level, format: 'json', nodeId: 'node-a', destination });
  return { service, records: () => lines.map((l) => JSON.parse(l) as Record<string, any>), lines };
}

afterEach(() => Logger.overrideLogger(false));

describe('PinoLoggerService', () => {
  it('writes one JSON object per line with level, message, node id and the Nest context', () => {
    const { service, records } = capture();
    Logger.overrideLogger(service);
    new Logger('TriggerLoop').log('planned 3 fires');
    const [line] = records();
    expect(line).toMatchObject({ level: 'info', msg: 'planned 3 fires', nodeId: 'node-a', context: 'TriggerLoop' });
    expect(typeof line.time).toBe('string');
  });

  it('adds the request id and run id of the work in progress, and fields passed with the message', () => {
    const { service, records } = capture();
    Logger.overrideLogger(service);
    withLogFields({ requestId: 'req-1' }, () => new Logger('Recoverer').warn({ msg: 'run 42 → LOST', runId: '42' }));
    expect(records()[0]).toMatchObject({ level: 'warn', msg: 'run 42 → LOST', requestId: 'req-1', runId: '42', context: 'Recoverer' });
  });

  it('keeps the stack of an error', () => {
    const { service, records } = capture();
    Logger.overrideLogger(service);
    new Logger('HTTP').error('GET /x failed', 'Error: boom\n    at somewhere');
    expect(records()[0]).toMatchObject({ level: 'error', msg: 'GET /x failed', context: 'HTTP', stack: 'Error: boom\n    at somewhere' });
  });

  it('redacts credential headers and fields named like secrets, at any depth', () => {
    const { service, records, lines } = capture();
    service.log({
      msg: 'login',
      headers: { authorization: 'Bearer sk-live-1', cookie: 'baton_session=abc', 'set-cookie': ['baton_csrf=def'], accept: 'application/json' },
      user: { email: 'a@b.c', password: 'hunter2', apiKey: 'k-123', nested: [{ token: 't-456', clientSecret: 's-789' }] },
    }, 'Auth');
    const line = records()[0];
    expect(line.headers).toEqual({ authorization: '[Redacted]', cookie: '[Redacted]', 'set-cookie': '[Redacted]', accept: 'application/json' });
    expect(line.user).toEqual({ email: 'a@b.c', password: '[Redacted]', apiKey: '[Redacted]', nested: [{ token: '[Redacted]', clientSecret: '[Redacted]' }] });
    for (const secret of ['sk-live-1', 'abc', 'def', 'hunter2', 'k-123', 't-456', 's-789']) expect(lines[0]).not.toContain(secret);
  });

  it('writes nothing below its level', () => {
    const { service, records } = capture('error');
    service.log('hidden', 'X');
    service.warn('hidden too', 'X');
    service.error('shown', undefined, 'X');
    expect(records().map((r) => r.msg)).toEqual(['shown']);
  });
});

describe('access log', () => {
  it('logs method, path without the query string, status, duration and request id once the response is sent', () => {
    const { service, records } = capture();
    Logger.overrideLogger(service);
    const req = { method: 'POST', originalUrl: '/api/v1/jobs/a:b/trigger?token=s3cr3t', requestId: 'req-9' } as unknown as Request;
    const res = Object.assign(new EventEmitter(), { statusCode: 201 }) as unknown as Response;
    let called = false;
    accessLogMiddleware(req, res, (() => { called = true; }) as NextFunction);
    expect(called).toBe(true);
    expect(records()).toHaveLength(0);
    res.emit('finish');
    const [line] = records();
    expect(line).toMatchObject({ level: 'info', context: 'HTTP', method: 'POST', path: '/api/v1/jobs/a:b/trigger', status: 201, requestId: 'req-9' });
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(line)).not.toContain('s3cr3t');
  });

  it('gives lines logged while serving a request its request id', () => {
    const { service, records } = capture();
    Logger.overrideLogger(service);
    const req = { requestId: 'req-7' } as unknown as Request;
    requestLogContextMiddleware(req, {} as Response, (() => new Logger('Jobs').log('created')) as NextFunction);
    expect(records()[0]).toMatchObject({ msg: 'created', requestId: 'req-7' });
  });
});
