/** One term of leadership: the fencing token every leader-only write carries. */
export interface LeaderTerm {
  nodeId: string;
  epoch: string;
  /** Called by a duty that finds the lease gone mid-term (a fenced write was refused). */
  reportLost(reason: string): void;
}

/**
 * A leader-only background duty. Leadership starts every duty on takeover and stops them on
 * step-down; `stop()` resolves only when the duty's in-flight work is done.
 */
export interface LeaderDuty {
  readonly name: string;
  start(term: LeaderTerm): void;
  stop(): Promise<void>;
}

/** Injection token for the list of duties (built in scheduler.module.ts, the one place they are registered). */
export const LEADER_DUTIES = Symbol('LEADER_DUTIES');

/** Thrown inside a duty when a fenced write finds the lease no longer ours. */
export class LeaseLostError extends Error {
  constructor(readonly epoch: string) {
    super(`the leader lease of epoch ${epoch} is no longer held by this node`);
    this.name = 'LeaseLostError';
  }
}
