import { Injectable, Logger } from '@nestjs/common';
import type { DispatchReply, RunDispatch } from '@baton/protocol';
import { Clock } from '../../common/clock.js';
import { PeriodicTask } from '../../common/periodic-task.js';
import { AppConfig } from '../../config/app-config.js';
import { retryTransient } from '../../database/transient-errors.js';
import { ExecutorRegistry } from '../executors/executor-registry.js';
import { RunKiller } from '../executors/run-killer.js';
import { BatonMetrics, secondsBetween } from '../metrics/baton-metrics.js';
import type { RunEntity } from '../runs/run.entity.js';
import { RunEvents } from '../runs/run-events.js';
import { LeaseLostError, type LeaderDuty, type LeaderTerm } from '../scheduler/leader-duty.js';
import { applyBlockStrategy } from './block-strategy.js';
import { DispatchRepository, type DispatchJobInfo, type ParentInfo } from './dispatch.repository.js';
import { route } from './routing/route.js';
import { InMemoryRoutingMemory } from './routing/routing-memory.js';
import { assignShards } from './routing/sharding.js';
import { waitingMisfires } from './waiting-misfire.js';

/** Outbox rows read per poll. */
const POLL_BATCH = 2_000;
/** An instance that did not acknowledge a run, or refused it for a reason other than capacity, is not offered that run again for this long. */
const EXCLUDE_MS = 30_000;

interface Send {
  instanceId: string;
  runs: RunEntity[];
}

/**
 * Leader duty: sends SCHEDULED runs to executors at their planned time. It polls the outbox
 * (the runs table) a little ahead, arms one timer for the earliest due run, and on each wake-up
 * applies block strategies, routes, claims the runs (fenced) and sends them in one batch per
 * executor. Runs nobody can take yet stay SCHEDULED with the reason shown, and are looked at again
 * when an executor connects or frees capacity. Unacknowledged or refused sends go back to wait.
 */
@Injectable()
export class Dispatcher implements LeaderDuty {
  readonly name = 'dispatcher';
  private readonly logger = new Logger('Dispatcher');
  private term: LeaderTerm | null = null;
  private poll: PeriodicTask | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pending = new Map<string, RunEntity>();
  /** Runs told to wait since the last event: not re-examined until something changes. */
  private parked = new Set<string>();
  /** Runs parked in this flush, by the reason shown for them: written once per reason after planning. */
  private waiting = new Map<string, string[]>();
  private flushing: Promise<void> | null = null;
  private again = false;
  private readonly sends = new Set<Promise<void>>();
  private readonly excluded = new Map<string, { instanceId: string; until: number }[]>();

  constructor(
    private readonly repo: DispatchRepository,
    private readonly registry: ExecutorRegistry,
    private readonly memory: InMemoryRoutingMemory,
    private readonly killer: RunKiller,
    private readonly events: RunEvents,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: BatonMetrics,
  ) {
    registry.onChange(() => this.wake(true));
    events.onRunsChanged(() => this.wake(true));
    events.onRunEnded((run) => registry.markDone(run.executorId, run.id));
  }

  /** True while this node leads and the dispatcher runs. */
  get active(): boolean {
    return this.term !== null;
  }

  start(term: LeaderTerm): void {
    this.term = term;
    this.poll = new PeriodicTask(this.name, () => this.config.dispatchPollMs, () => this.pollOutbox(), this.logger);
    this.poll.start();
  }

  async stop(): Promise<void> {
    this.term = null;
    await this.poll?.stop();
    this.poll = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing;
    await Promise.allSettled([...this.sends]);
    this.pending.clear();
    this.parked.clear();
  }

  /** Re-reads the runs coming due; the database is the truth, memory only a cache of it. */
  private async pollOutbox(): Promise<void> {
    if (!this.term) return;
    const until = new Date(this.clock.now().getTime() + this.config.dispatchPollMs * 2 + 50);
    const rows = await this.repo.comingDue(until, POLL_BATCH);
    this.pending = new Map(rows.map((r) => [r.id, r]));
    this.parked.clear();
    this.arm();
  }

  /** One timer, for the earliest run not parked. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.term) return;
    let earliest = Infinity;
    for (const r of this.pending.values()) if (!this.parked.has(r.id)) earliest = Math.min(earliest, r.scheduledAt.getTime());
    if (earliest === Infinity) return;
    this.timer = setTimeout(() => this.wake(false), Math.max(0, earliest - this.clock.now().getTime()));
  }

  /** Runs a flush now, or right after the one in progress. `unpark` re-examines waiting runs. */
  private wake(unpark: boolean): void {
    if (!this.term) return;
    if (unpark) this.parked.clear();
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = this.flush()
      .catch((error: unknown) => {
        if (error instanceof LeaseLostError) this.term?.reportLost(error.message);
        else this.logger.error(`dispatch failed: ${(error as Error).message}`, (error as Error).stack);
      })
      .finally(() => {
        this.flushing = null;
        if (this.again) {
          this.again = false;
          this.wake(false);
        } else this.arm();
      });
  }

  private async flush(): Promise<void> {
    const term = this.term;
    if (!term) return;
    const now = this.clock.now();
    const due = [...this.pending.values()]
      .filter((r) => !this.parked.has(r.id) && r.scheduledAt.getTime() <= now.getTime())
      .sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime() || Number(BigInt(a.id) - BigInt(b.id)));
    if (due.length === 0) return;
    const jobIds = [...new Set(due.map((r) => r.jobId))];
    const [jobs, active, parents] = await Promise.all([
      this.repo.jobsByIds(jobIds),
      this.repo.activeOfJobs(jobIds),
      this.repo.parents([...new Set(due.flatMap((r) => (r.parentRunId ? [r.parentRunId] : [])))]),
    ]);
    const sends = new Map<string, Send>();
    try {
      for (const jobId of jobIds) {
        const runs = due.filter((r) => r.jobId === jobId);
        const info = jobs.get(jobId);
        if (!info) {
          await this.skip(runs.map((r) => r.id), 'the job was deleted', now);
          continue;
        }
        await this.planJob(term, info, runs, active.get(jobId) ?? [], now, sends);
      }
      await this.showWaitingReasons();
      for (const send of [...sends.values()]) {
        sends.delete(send.instanceId);
        await this.claimAndSend(term, send, jobs, parents, now);
      }
    } finally {
      this.waiting.clear();
      // Runs chosen for an instance but never sent (this flush failed) do not occupy it.
      for (const send of sends.values()) for (const r of send.runs) this.registry.markDone(send.instanceId, r.id);
    }
  }

  private async planJob(term: LeaderTerm, info: DispatchJobInfo, runs: RunEntity[], active: RunEntity[], now: Date, sends: Map<string, Send>): Promise<void> {
    const { job } = info;
    const late = waitingMisfires(job.misfirePolicy, job.misfireThresholdMs, runs.map((r) => ({ id: r.id, scheduledAt: r.scheduledAt, planned: r.plannedEpoch !== null })), now);
    if (late.skip.length) await this.skip(late.skip, late.reason, now);
    const live = runs.filter((r) => !late.skip.includes(r.id));
    const decision = applyBlockStrategy({ strategy: job.blockStrategy, activeRunIds: active.map((r) => r.id), dueRunIds: live.map((r) => r.id) });
    for (const old of active.filter((r) => decision.cover.includes(r.id))) await this.killer.kill(old, 'COVERED');
    if (decision.skip) await this.skip(decision.skip.runIds, decision.skip.reason, now);
    if (decision.wait) this.park(decision.wait.runIds, decision.wait.reason);
    for (const run of live.filter((r) => decision.dispatch.includes(r.id))) {
      if (job.routeStrategy === 'SHARDING_BROADCAST' && run.shardTotal === 1) await this.broadcast(term, info, run, now, sends);
      else await this.routeOne(info, run, sends);
    }
  }

  private async routeOne(info: DispatchJobInfo, run: RunEntity, sends: Map<string, Send>): Promise<void> {
    const { job } = info;
    const online = this.registry.candidates(job.appId, job.handler);
    const candidates = online.filter((c) => !this.isExcluded(run.id, c.instanceId));
    if (online.length > 0 && candidates.length === 0) return this.park([run.id], `every executor that could take it failed to take it in the last ${EXCLUDE_MS / 1000} s; it is offered again after that`);
    if (job.routeStrategy === 'SHARDING_BROADCAST') {
      // A shard (of a broadcast already fanned out) goes to whichever instance has room.
      return this.assign(run, route({ strategy: 'LEAST_LOADED', jobId: job.id, runId: run.id, candidates, memory: this.memory }), info, sends);
    }
    return this.assign(run, route({ strategy: job.routeStrategy, jobId: job.id, runId: run.id, candidates, memory: this.memory }), info, sends);
  }

  /** SHARDING_BROADCAST: one shard per live instance, each sent to its own instance. */
  private async broadcast(term: LeaderTerm, info: DispatchJobInfo, run: RunEntity, now: Date, sends: Map<string, Send>): Promise<void> {
    const candidates = this.registry.candidates(info.job.appId, info.job.handler);
    if (candidates.length === 0) return this.park([run.id], this.registry.describeAbsence(info.job.appId, info.job.handler) ?? 'no executor online');
    const shards = await this.repo.fanOut(term, run, candidates.length, now);
    const plan = assignShards(candidates);
    for (const shard of shards) {
      const target = plan[shard.shardIndex];
      const candidate = candidates.find((c) => c.instanceId === target?.instanceId);
      if (candidate && candidate.inFlight < candidate.concurrency) await this.assign(shard, { kind: 'chosen', instanceId: candidate.instanceId }, info, sends);
      else this.pending.set(shard.id, shard); // its instance is busy: routed to any with room on the next wake
    }
  }

  private async assign(run: RunEntity, decision: ReturnType<typeof route>, info: DispatchJobInfo, sends: Map<string, Send>): Promise<void> {
    if (decision.kind === 'wait') return this.park([run.id], this.registry.describeAbsence(info.job.appId, info.job.handler) ?? decision.reason);
    // Count it against the instance at once, so the next run in this flush sees the new load.
    this.registry.markDispatched(decision.instanceId, [run.id]);
    this.memory.recordUse(info.job.id, decision.instanceId, this.clock.now().getTime());
    const send = sends.get(decision.instanceId) ?? { instanceId: decision.instanceId, runs: [] };
    send.runs.push(run);
    sends.set(decision.instanceId, send);
  }

  private async claimAndSend(term: LeaderTerm, send: Send, jobs: Map<string, DispatchJobInfo>, parents: Map<string, ParentInfo>, now: Date): Promise<void> {
    const ids = send.runs.map((r) => r.id);
    const leaseUntil = new Date(now.getTime() + this.config.dispatchAckTimeoutMs + 1_000);
    let message: RunDispatch[];
    try {
      const claimed = new Set(await this.repo.claim(term, ids, send.instanceId, leaseUntil, now));
      for (const id of ids) {
        this.pending.delete(id);
        if (!claimed.has(id)) this.registry.markDone(send.instanceId, id);
      }
      const runs = send.runs.filter((r) => claimed.has(r.id));
      for (const r of runs) this.metrics.dispatchLateness.observe(secondsBetween(r.scheduledAt, now));
      message = runs.map((r) => toDispatch(r, jobs.get(r.jobId)!, parents));
    } catch (error) {
      // Nothing goes out: the runs do not occupy the instance (claimed ones are requeued when their lease lapses).
      for (const id of ids) this.registry.markDone(send.instanceId, id);
      throw error;
    }
    if (message.length === 0) return;
    const p = this.deliver(send.instanceId, message).finally(() => this.sends.delete(p));
    this.sends.add(p);
  }

  /** Sends one batch and settles it by the reply: accepted runs are acknowledged, the rest go back to wait. */
  private async deliver(instanceId: string, runs: RunDispatch[]): Promise<void> {
    const ids = runs.map((r) => r.runId);
    const executor = this.registry.get(instanceId);
    let reply: DispatchReply;
    try {
      if (!executor) throw new Error('disconnected');
      const endTimer = this.metrics.dispatchAck.startTimer();
      reply = await executor.socket.timeout(this.config.dispatchAckTimeoutMs).emitWithAck('run.dispatch.v1', { runs });
      endTimer();
      this.registry.markAnswered(instanceId, ids);
    } catch {
      await this.giveBack(instanceId, ids, `executor ${instanceId} did not acknowledge the dispatch; sending it elsewhere`);
      return;
    }
    const now = this.clock.now();
    const accepted = ids.filter((id) => reply.accepted?.includes(id));
    await retryTransient(() => this.repo.ack(accepted, instanceId, new Date(now.getTime() + this.config.runLeaseMs), now));
    const refused = (reply.rejected ?? []).filter((r) => ids.includes(r.runId));
    if (refused.some((r) => r.reason === 'DRAINING')) this.registry.setDraining(instanceId);
    for (const reason of new Set(refused.map((r) => r.reason))) {
      // A full instance is not at fault: it is chosen again once it frees a slot, not excluded.
      await this.giveBack(instanceId, refused.filter((r) => r.reason === reason).map((r) => r.runId), `executor ${instanceId} refused it (${reason})`, reason === 'AT_CAPACITY');
    }
    const unanswered = ids.filter((id) => !accepted.includes(id) && !refused.some((r) => r.runId === id));
    if (unanswered.length) await this.giveBack(instanceId, unanswered, `executor ${instanceId} did not answer for it`);
  }

  /** Puts runs back to wait. `full`: the instance refused them for capacity, so it is only marked full. */
  private async giveBack(instanceId: string, runIds: string[], reason: string, full = false): Promise<void> {
    const now = this.clock.now().getTime();
    for (const id of runIds) {
      this.registry.markDone(instanceId, id);
      if (full) continue;
      const stillExcluded = (this.excluded.get(id) ?? []).filter((e) => e.until > now);
      this.excluded.set(id, [...stillExcluded, { instanceId, until: now + EXCLUDE_MS }]);
    }
    if (full) this.registry.markFull(instanceId);
    await retryTransient(() => this.repo.revert(runIds, instanceId, reason, this.clock.now()));
    this.events.runsChanged(runIds);
  }

  private isExcluded(runId: string, instanceId: string): boolean {
    const list = this.excluded.get(runId);
    if (!list) return false;
    const now = this.clock.now().getTime();
    const live = list.filter((e) => e.until > now);
    if (live.length === 0) this.excluded.delete(runId);
    return live.some((e) => e.instanceId === instanceId);
  }

  /**
   * Holds runs back until something changes (an executor frees a slot or connects). Their reason
   * is written after planning, in one statement per reason: a backlog of thousands of runs waiting
   * for a full executor is re-examined on every run end, and one UPDATE per run per pass made the
   * dispatcher's writes grow with the backlog.
   */
  private park(runIds: string[], reason: string): void {
    for (const id of runIds) this.parked.add(id);
    const text = `waiting: ${reason}`;
    this.waiting.set(text, [...(this.waiting.get(text) ?? []), ...runIds]);
  }

  private async showWaitingReasons(): Promise<void> {
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const [reason, runIds] of waiting) await this.repo.setWaitingReason(runIds, reason);
  }

  private async skip(runIds: string[], reason: string, now: Date): Promise<void> {
    if (runIds.length === 0) return;
    const skipped = await this.repo.skip(runIds, reason, now);
    for (const id of runIds) this.pending.delete(id);
    // A skipped run has ended too (a FIXED_DELAY job plans its next fire from it).
    for (const run of await this.repo.findRuns(skipped)) await this.events.runEnded(run);
  }
}

function toDispatch(run: RunEntity, info: DispatchJobInfo, parents: Map<string, ParentInfo>): RunDispatch {
  return {
    runId: run.id,
    attempt: run.attempt,
    jobId: run.jobId,
    jobKey: `${info.appName}:${info.job.name}`,
    handler: info.job.handler,
    params: run.params === null ? null : (JSON.parse(run.params) as unknown),
    shard: { index: run.shardIndex, total: run.shardTotal },
    scheduledAt: run.scheduledAt.toISOString(),
    triggerType: run.triggerType,
    timeoutMs: info.job.timeoutMs,
    parent: run.parentRunId ? (parents.get(run.parentRunId) ?? null) : null,
  };
}
