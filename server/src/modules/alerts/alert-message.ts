import type { AlertKind, RunStatus } from '@baton/protocol';

/**
 * What an alert says, stored with it (alerts.payload) when it is recorded, so delivery and
 * history need nothing else. Holds no channel setting, so never a secret.
 */
export interface AlertPayload {
  kind: AlertKind | 'TEST';
  title: string;
  text: string;
  app: string | null;
  jobKey: string | null;
  jobId: string | null;
  runId: string | null;
  status: RunStatus | null;
  attempt: number | null;
  error: string | null;
  /** Console path (`/runs/42`), or a full URL when ALERT_LINK_BASE_URL is set. */
  link: string | null;
  /** When the event happened (ISO). */
  at: string;
}

export interface RunFacts {
  id: string;
  status: RunStatus;
  attempt: number;
  statusReason: string | null;
  errorMessage: string | null;
  finishedAt: Date | null;
}

const MAX_ERROR = 500;

const HEADLINE: Record<Exclude<AlertKind, 'NO_EXECUTOR'>, (key: string, run: RunFacts) => string> = {
  RUN_DEAD: (key, run) => `${key}: run ${run.id} ${run.status}, no retry follows`,
  RUN_LOST: (key, run) => `${key}: run ${run.id} LOST`,
  MISFIRE_SKIPPED: (key, run) => `${key}: fire skipped (run ${run.id})`,
};

export function linkTo(path: string, base: string): string {
  return `${base}${path}`;
}

/** The alert about one run. */
export function runAlertPayload(kind: Exclude<AlertKind, 'NO_EXECUTOR'>, run: RunFacts, job: { id: string; key: string; app: string }, linkBase: string, now: Date): AlertPayload {
  const error = run.errorMessage ? truncate(run.errorMessage, MAX_ERROR) : null;
  const link = linkTo(`/runs/${run.id}`, linkBase);
  const lines = [`Job ${job.key}, run ${run.id} (attempt ${run.attempt}): ${run.status}.`];
  if (error) lines.push(`Error: ${error}`);
  if (run.statusReason) lines.push(`Reason: ${truncate(run.statusReason, 255)}`);
  lines.push(link);
  return {
    kind,
    title: `[Baton] ${HEADLINE[kind](job.key, run)}`,
    text: lines.join('\n'),
    app: job.app,
    jobKey: job.key,
    jobId: job.id,
    runId: run.id,
    status: run.status,
    attempt: run.attempt,
    error,
    link,
    at: (run.finishedAt ?? now).toISOString(),
  };
}

/** The alert about an app whose due runs wait for an executor. */
export function noExecutorPayload(wait: { app: string; waitingRuns: number; oldestRunId: string; since: Date; reason: string | null }, linkBase: string, now: Date): AlertPayload {
  const seconds = Math.round((now.getTime() - wait.since.getTime()) / 1000);
  const link = linkTo(`/runs/${wait.oldestRunId}`, linkBase);
  const lines = [`App ${wait.app}: ${wait.waitingRuns} due run(s) waiting for an executor, the oldest for ${seconds} s (run ${wait.oldestRunId}).`];
  if (wait.reason) lines.push(`Reason: ${truncate(wait.reason, 255)}`);
  lines.push(link);
  return {
    kind: 'NO_EXECUTOR',
    title: `[Baton] ${wait.app}: no executor for ${seconds} s`,
    text: lines.join('\n'),
    app: wait.app,
    jobKey: null,
    jobId: null,
    runId: wait.oldestRunId,
    status: 'SCHEDULED',
    attempt: null,
    error: null,
    link,
    at: now.toISOString(),
  };
}

/** What `POST /alert-channels/:id/test` sends. */
export function testPayload(channelName: string, now: Date): AlertPayload {
  return {
    kind: 'TEST',
    title: `[Baton] test alert for channel ${channelName}`,
    text: `This is a test alert from Baton for channel ${channelName}. If you can read it, the channel works.`,
    app: null,
    jobKey: null,
    jobId: null,
    runId: null,
    status: null,
    attempt: null,
    error: null,
    link: null,
    at: now.toISOString(),
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
