/** The server's handler pattern (protocol v1): a handshake listing any other name is refused. */
export const HANDLER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;

export function assertHandlerName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !HANDLER_NAME_PATTERN.test(name)) {
    throw new TypeError(`Invalid handler name ${JSON.stringify(name)}: it must match ${HANDLER_NAME_PATTERN}`);
  }
}
