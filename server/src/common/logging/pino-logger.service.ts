import type { Writable } from 'node:stream';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, type Logger as Pino, type Level } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogFormat } from '../../config/config-variables.js';
import { currentLogFields } from './log-context.js';
import { redactSecrets } from '../redact-secrets.js';

/** Nest's level names, most severe first, and pino's for each. */
const NEST_TO_PINO: Record<LogLevel, Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

export interface PinoLoggerOptions {
  /** Least severe level written (Nest's names). */
  level: LogLevel;
  format: LogFormat;
  nodeId: string;
  /** Where lines go; stdout when omitted. Tests pass a stream to read them back. */
  destination?: Writable;
}

/**
 * Nest's LoggerService backed by pino, so every `new Logger('X')` in the code base writes
 * structured lines: `context` is the X, `nodeId` is on every line, and `requestId`/`runId` come from
 * the log context of the work in progress (see log-context.ts). A message may be a string or an
 * object with `msg` and extra fields (`{ msg, runId }`); fields named like credentials are redacted.
 */
export class PinoLoggerService implements LoggerService {
  readonly pino: Pino;

  constructor(opts: PinoLoggerOptions) {
    // process.stdout rather than fd 1: it is synchronous for files and pipes on Linux, and whatever
    // wraps process.stdout (a test capturing the log, a test runner) sees the lines.
    const out = opts.destination ?? process.stdout;
    const stream = opts.format === 'pretty'
      ? pinoPretty({ sync: true, colorize: Boolean(process.stdout.isTTY) && !opts.destination, destination: out, ignore: 'pid,hostname,nodeId,context,method,path,status,durationMs', messageFormat: '{if context}[{context}] {end}{msg}', hideObject: false })
      : out;
    this.pino = pino(
      {
        level: NEST_TO_PINO[opts.level],
        base: { nodeId: opts.nodeId },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        // Header redaction by path, as a second line of defence behind redactSecrets.
        redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'headers.authorization', 'headers.cookie', 'headers["set-cookie"]'], censor: '[Redacted]' },
        mixin: () => ({ ...currentLogFields() }),
      },
      stream,
    );
  }

  log(message: unknown, ...params: unknown[]): void { this.write('info', message, params); }
  error(message: unknown, ...params: unknown[]): void { this.write('error', message, params); }
  warn(message: unknown, ...params: unknown[]): void { this.write('warn', message, params); }
  debug(message: unknown, ...params: unknown[]): void { this.write('debug', message, params); }
  verbose(message: unknown, ...params: unknown[]): void { this.write('trace', message, params); }
  fatal(message: unknown, ...params: unknown[]): void { this.write('fatal', message, params); }

  setLogLevels(levels: LogLevel[]): void {
    const order: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
    const least = order.find((l) => levels.includes(l));
    if (least) this.pino.level = NEST_TO_PINO[least];
  }

  /**
   * Nest calls `logger.x(message, ...params, context)`: the context (the name given to
   * `new Logger(name)`) comes last; for errors a stack string may precede it.
   */
  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
    for (const param of rest) {
      if (param === undefined) continue;
      if (param instanceof Error) fields.err = param;
      else if (typeof param === 'string') fields.stack = param;
      else if (typeof param === 'object' && param !== null) Object.assign(fields, param);
    }
    let msg: string;
    if (message instanceof Error) {
      fields.err = message;
      msg = message.message;
    } else if (typeof message === 'object' && message !== null) {
      const { msg: text, message: alt, ...extra } = message as Record<string, unknown>;
      Object.assign(fields, extra);
      msg = String(text ?? alt ?? '');
    } else {
      msg = String(message);
    }
    this.pino[level](redactSecrets(fields, '[Redacted]'), msg);
  }
}
