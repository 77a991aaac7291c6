/**
 * Where the SDK reports its own trouble (not the runs' logs, which go to the server).
 * Only warn and error are required, so `console` or most structured loggers fit as they are.
 */
export interface ExecutorLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type SdkLogger = Required<ExecutorLogger>;

const PREFIX = '[baton-executor]';
const noop = (): void => {};

/** The default: quiet unless something needs attention. */
export function consoleLogger(): ExecutorLogger {
  return {
    warn: (message) => console.warn(`${PREFIX} ${message}`),
    error: (message) => console.error(`${PREFIX} ${message}`),
  };
}

/** `undefined` → the console logger; `null` → silent; missing levels become no-ops. */
export function resolveLogger(logger: ExecutorLogger | null | undefined): SdkLogger {
  if (logger === null) return { debug: noop, info: noop, warn: noop, error: noop };
  const l = logger ?? consoleLogger();
  return {
    debug: l.debug ? (m) => l.debug!(m) : noop,
    info: l.info ? (m) => l.info!(m) : noop,
    warn: (m) => l.warn(m),
    error: (m) => l.error(m),
  };
}
