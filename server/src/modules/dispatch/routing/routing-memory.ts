import type { RoutingMemory } from './route-strategy.js';

/** Enough for every job of a large deployment; beyond it the least recently routed job is forgotten. */
export const DEFAULT_MAX_JOBS = 100_000;

interface InstanceUse {
  count: number;
  lastUsedAt: number;
}

interface JobMemory {
  counter: number;
  uses: Map<string, InstanceUse>;
}

/**
 * Per-job routing history kept on the leader. It is advisory (a new leader
 * starts empty and strategies still work), so it is bounded rather than
 * persisted: the Map's insertion order doubles as an LRU of jobs.
 */
export class InMemoryRoutingMemory implements RoutingMemory {
  private readonly jobs = new Map<string, JobMemory>();

  constructor(private readonly maxJobs = DEFAULT_MAX_JOBS) {
    if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new Error(`maxJobs must be a positive integer, got ${maxJobs}`);
  }

  /** Returns 0, 1, 2, ... per job; route() takes it modulo the instances with room. */
  nextIndex(jobId: string): number {
    const job = this.touch(jobId);
    const index = job.counter;
    // Wrap long before precision is lost; one hiccup in the rotation every 2^31 runs is fine.
    job.counter = (job.counter + 1) % 0x7fffffff;
    return index;
  }

  useCount(jobId: string, instanceId: string): number {
    return this.jobs.get(jobId)?.uses.get(instanceId)?.count ?? 0;
  }

  lastUsedAt(jobId: string, instanceId: string): number {
    return this.jobs.get(jobId)?.uses.get(instanceId)?.lastUsedAt ?? 0;
  }

  recordUse(jobId: string, instanceId: string, at: number): void {
    const uses = this.touch(jobId).uses;
    const use = uses.get(instanceId);
    if (use) {
      use.count++;
      // max: a clock step backwards must not make a recent use look old.
      use.lastUsedAt = Math.max(use.lastUsedAt, at);
    } else {
      uses.set(instanceId, { count: 1, lastUsedAt: at });
    }
  }

  /**
   * Drops an instance that left, so a reconnect starts fresh and dead ids do
   * not pile up. Linear in jobs, which is fine for a disconnect-rate event.
   */
  forgetInstance(instanceId: string): void {
    for (const job of this.jobs.values()) job.uses.delete(instanceId);
  }

  /** Jobs currently remembered. */
  get size(): number {
    return this.jobs.size;
  }

  /**
   * Fetches or creates a job's entry and marks it most recently used. Only
   * writes touch: reads of an unknown job must not allocate entries.
   */
  private touch(jobId: string): JobMemory {
    let job = this.jobs.get(jobId);
    if (job) {
      this.jobs.delete(jobId);
    } else {
      job = { counter: 0, uses: new Map() };
      if (this.jobs.size >= this.maxJobs) this.jobs.delete(this.jobs.keys().next().value!);
    }
    this.jobs.set(jobId, job);
    return job;
  }
}
