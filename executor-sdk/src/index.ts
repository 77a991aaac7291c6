/**
 * @baton/executor-sdk: embeds a Baton executor in a Node.js service.
 * The client (createExecutor, handle, start, close) arrives with the websocket protocol.
 */
export const SDK_VERSION = '0.1.0';
