/**
 * @baton/executor-sdk: embeds a Baton executor in a Node.js service. It dials out to the
 * Baton servers over socket.io, registers its handlers and runs what the scheduler dispatches.
 */
export { createExecutor } from './executor.js';
export type { CloseOptions, Executor, ExecutorEvents, ExecutorStats } from './executor.js';
export type { ExecutorOptions } from './options.js';
export type { ExecutorLogger } from './logger.js';
export { consoleLogger } from './logger.js';
export { NonRetryableError, ExecutorRefusedError } from './errors.js';
export { HANDLER_NAME_PATTERN } from './handler-name.js';
export type { Handler, RunContext, RunLog, RunParent } from './run-context.js';
export type { RunFinishedEvent, RunStartedEvent } from './run-manager.js';
export type { ExecutorOutcome, LogLevel, LogLine, RunError, RunShard } from '@baton/protocol';
export { SDK_VERSION } from './version.js';
export { createClient } from './client/client.js';
export type { BatonClient, ClientOptions, ListRunsQuery, TriggerBatchEntry, TriggerOptions, TriggeredRun, WaitForRunOptions } from './client/client.js';
export { BatonApiError, BatonRequestError, BatonTimeoutError } from './client/errors.js';
export type { ErrorCode, FinalRunStatus, Page, RunDto, RunStatus, TriggerBatchItem, TriggerBatchResponse, TriggerOutcome } from '@baton/protocol';
