import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { ExecutorToServerEvents, ServerToExecutorEvents } from '@baton/protocol';
import type { Candidate } from '../dispatch/routing/route-strategy.js';
import { BatonMetrics } from '../metrics/baton-metrics.js';

export type ExecutorSocket = Socket<ExecutorToServerEvents, ServerToExecutorEvents>;

/** An executor instance connected to THIS node. */
export interface ConnectedExecutor {
  instanceId: string;
  appId: string;
  appName: string;
  handlers: ReadonlySet<string>;
  concurrency: number;
  labels: Record<string, string>;
  hostname: string;
  connectedAt: number;
  socket: ExecutorSocket;
  /** Runs it holds, as this node knows them: added on dispatch, replaced by each heartbeat. */
  inFlight: Set<string>;
  /**
   * Runs sent to it (or about to be) whose dispatch it has not answered yet. A heartbeat that
   * arrives meanwhile was sent before it saw them, so they survive the heartbeat's replace.
   */
  unanswered: Set<string>;
  /** It refused a run as AT_CAPACITY: taken for full until its next heartbeat or a run of it ends. */
  full: boolean;
  draining: boolean;
}

/**
 * The executors connected to this node. Every executor keeps a socket to every node, so the
 * leader's registry holds every reachable executor; it is what the dispatcher routes over.
 */
@Injectable()
export class ExecutorRegistry {
  private readonly byInstance = new Map<string, ConnectedExecutor>();
  private readonly listeners: Array<() => void> = [];

  constructor(metrics: BatonMetrics) {
    metrics.executorsOnline.readFrom(() => this.onlineByApp());
  }

  /** Registers a connection; a reconnect of the same instance replaces its old socket. */
  add(executor: ConnectedExecutor): ConnectedExecutor | undefined {
    const previous = this.byInstance.get(executor.instanceId);
    if (previous) {
      executor.inFlight = previous.inFlight;
      executor.unanswered = previous.unanswered;
    }
    this.byInstance.set(executor.instanceId, executor);
    this.changed();
    return previous;
  }

  /** Removes the instance only if `socketId` is still its current socket. */
  remove(instanceId: string, socketId: string): boolean {
    const current = this.byInstance.get(instanceId);
    if (!current || current.socket.id !== socketId) return false;
    this.byInstance.delete(instanceId);
    this.changed();
    return true;
  }

  get(instanceId: string): ConnectedExecutor | undefined {
    return this.byInstance.get(instanceId);
  }

  all(): ConnectedExecutor[] {
    return [...this.byInstance.values()];
  }

  /** Routing candidates: instances of the app that serve the handler and are not draining. */
  candidates(appId: string, handler: string): Candidate[] {
    const out: Candidate[] = [];
    for (const e of this.byInstance.values()) {
      if (e.appId !== appId || e.draining || !e.handlers.has(handler)) continue;
      out.push({ instanceId: e.instanceId, connectedAt: e.connectedAt, inFlight: e.full ? Math.max(e.inFlight.size, e.concurrency) : e.inFlight.size, concurrency: e.concurrency });
    }
    return out;
  }

  /** Why nothing can take a run of this app and handler, in words. */
  describeAbsence(appId: string, handler: string): string | null {
    const ofApp = this.all().filter((e) => e.appId === appId);
    if (ofApp.length === 0) return 'no executor of this app is online';
    if (!ofApp.some((e) => e.handlers.has(handler))) return `no online executor of this app registered handler "${handler}"`;
    if (ofApp.every((e) => e.draining || !e.handlers.has(handler))) return 'every executor with this handler is draining';
    return null;
  }

  /** Counts runs against the instance from the moment they are chosen for it, until it answers. */
  markDispatched(instanceId: string, runIds: string[]): void {
    const e = this.byInstance.get(instanceId);
    if (e)
      for (const id of runIds) {
        e.inFlight.add(id);
        e.unanswered.add(id);
      }
  }

  /** The instance answered the dispatch of these runs: its later heartbeats account for them. */
  markAnswered(instanceId: string, runIds: string[]): void {
    const e = this.byInstance.get(instanceId);
    if (e) for (const id of runIds) e.unanswered.delete(id);
  }

  /** The run no longer occupies the instance (ended, refused, given back, or never sent). */
  markDone(instanceId: string | null, runId: string): void {
    if (!instanceId) return;
    const e = this.byInstance.get(instanceId);
    if (!e) return;
    e.unanswered.delete(runId);
    if (e.inFlight.delete(runId)) {
      e.full = false;
      this.changed();
    }
  }

  /** It refused a run for capacity: our count was behind; choose it again only once it frees a slot. */
  markFull(instanceId: string): void {
    const e = this.byInstance.get(instanceId);
    if (e) e.full = true;
  }

  /**
   * A heartbeat tells the truth about what the instance holds; anything else it had is done,
   * except runs whose dispatch it has not answered yet (the heartbeat left before they arrived).
   */
  replaceInFlight(instanceId: string, runIds: string[], draining: boolean): void {
    const e = this.byInstance.get(instanceId);
    if (!e) return;
    const held = new Set([...runIds, ...e.unanswered]);
    const freed = e.full || [...e.inFlight].some((id) => !held.has(id));
    e.inFlight = held;
    e.full = false;
    e.draining = draining;
    if (freed || draining) this.changed();
  }

  setDraining(instanceId: string): void {
    const e = this.byInstance.get(instanceId);
    if (e && !e.draining) {
      e.draining = true;
      this.changed();
    }
  }

  /** Connected instances per app name (baton_executors_online). */
  private onlineByApp(): Array<[{ app: string }, number]> {
    const counts = new Map<string, number>();
    for (const e of this.byInstance.values()) counts.set(e.appName, (counts.get(e.appName) ?? 0) + 1);
    return [...counts].map(([app, n]) => [{ app }, n]);
  }

  /** Called when capacity or membership changes, so waiting runs are looked at again. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
