import type { Actor } from '../auth/principal.js';

export interface AuditEvent {
  actor: Actor;
  /** `<noun>.<verb>`, e.g. `job.update`, `run.kill`, `auth.login_failed`. */
  action: string;
  target?: { type: string; id: string } | null;
  ip: string;
  requestId: string;
  /** What changed. Must never hold a secret: pass it through `redactSecrets` first. */
  details?: Record<string, unknown> | null;
}

/** Appends to the audit log. A failure to record is logged, never thrown back to the caller's request. */
export abstract class AuditRecorder {
  abstract record(event: AuditEvent): Promise<void>;
}
