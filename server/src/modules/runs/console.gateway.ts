import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer, type OnGatewayDisconnect, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { CONSOLE_NAMESPACE, type ConsoleClientEvents, type ConsoleServerEvents } from '@baton/protocol';
import { isId } from '../../common/http/id-params.js';
import { Authenticator, type CredentialSource } from '../auth/authenticator.js';
import { can, type Principal } from '../auth/principal.js';
import { PeriodicTask } from '../../common/periodic-task.js';
import { RunLogsRepository } from './run-logs.repository.js';
import { RunsRepository } from './runs.repository.js';

const POLL_MS = 500;
const MAX_FOLLOWED_PER_SOCKET = 20;

interface Follow {
  lastSeq: number;
  lastUpdatedAt: number;
}

/**
 * Live run status and log lines for the console. Executors may report to any node, so the node
 * serving a console socket tails the database for the runs it follows (the truth, whichever node
 * wrote it) and pushes what is new. No broker is needed.
 */
@WebSocketGateway({ namespace: CONSOLE_NAMESPACE, cors: { origin: false } })
export class ConsoleGateway implements OnGatewayInit, OnGatewayDisconnect, OnApplicationShutdown {
  private readonly logger = new Logger('ConsoleGateway');
  @WebSocketServer() private readonly namespace: Namespace<ConsoleClientEvents, ConsoleServerEvents>;
  private readonly follows = new Map<string, Map<string, Follow>>();
  private readonly poller = new PeriodicTask('console tail', () => POLL_MS, () => this.poll(), this.logger);

  constructor(
    private readonly runs: RunsRepository,
    private readonly logs: RunLogsRepository,
    private readonly authenticator: Authenticator,
  ) {}

  afterInit(): void {
    // The console signs in with its session cookie (or a bearer key); anonymous sockets are refused at the handshake.
    this.namespace.use((socket, next) => {
      this.principalOf(socket)
        .then((principal) => {
          if (!principal) return next(new Error('UNAUTHENTICATED: sign in first'));
          next();
        })
        .catch((error: unknown) => next(new Error(`UNAUTHENTICATED: ${error instanceof Error ? error.message : 'bad credentials'}`)));
    });
    this.poller.start();
  }

  /** Re-reads the handshake's credentials, so a session revoked after connecting stops further follows. */
  private principalOf(socket: Socket): Promise<Principal | null> {
    const source: CredentialSource = { method: 'GET', headers: socket.handshake.headers, ip: socket.handshake.address };
    return this.authenticator.authenticate(source);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }

  handleDisconnect(socket: Socket): void {
    this.follows.delete(socket.id);
  }

  @SubscribeMessage('run.follow.v1')
  async follow(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<{ ok: boolean; error?: string }> {
    const msg = body as { runId?: unknown; afterSeq?: unknown } | null;
    if (typeof msg?.runId !== 'string' || !isId(msg.runId)) return { ok: false, error: 'runId must be a run id' };
    const refusal = await this.refusal(socket, msg.runId).catch(() => 'sign in again');
    if (refusal) return { ok: false, error: refusal };
    const mine = this.follows.get(socket.id) ?? new Map<string, Follow>();
    if (mine.size >= MAX_FOLLOWED_PER_SOCKET && !mine.has(msg.runId)) return { ok: false, error: `follow at most ${MAX_FOLLOWED_PER_SOCKET} runs at once` };
    mine.set(msg.runId, { lastSeq: Number.isInteger(msg.afterSeq) ? (msg.afterSeq as number) : 0, lastUpdatedAt: 0 });
    this.follows.set(socket.id, mine);
    return { ok: true };
  }

  private async refusal(socket: Socket, runId: string): Promise<string | null> {
    const principal = await this.principalOf(socket);
    if (!principal) return 'sign in again';
    const run = await this.runs.findById(runId);
    if (!run) return `no run ${runId}`;
    return can(principal, 'read', run.appId) ? null : `you may not read runs of app ${run.appId}`;
  }

  @SubscribeMessage('run.unfollow.v1')
  unfollow(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): void {
    const runId = (body as { runId?: unknown } | null)?.runId;
    if (typeof runId === 'string') this.follows.get(socket.id)?.delete(runId);
  }

  private async poll(): Promise<void> {
    for (const [socketId, runs] of this.follows) {
      const socket = this.namespace.sockets.get(socketId);
      if (!socket) {
        this.follows.delete(socketId);
        continue;
      }
      for (const [runId, follow] of runs) await this.push(socket, runId, follow);
    }
  }

  private async push(socket: Socket<ConsoleClientEvents, ConsoleServerEvents>, runId: string, follow: Follow): Promise<void> {
    const run = await this.runs.findById(runId);
    if (!run) return;
    if (run.updatedAt.getTime() !== follow.lastUpdatedAt) {
      follow.lastUpdatedAt = run.updatedAt.getTime();
      socket.emit('run.status.v1', { id: run.id, jobId: run.jobId, status: run.status, statusReason: run.statusReason, progress: run.progress, updatedAt: run.updatedAt.toISOString() });
    }
    const chunks = await this.logs.page(runId, follow.lastSeq, 100);
    if (chunks.length === 0) return;
    follow.lastSeq = chunks.at(-1)!.seq;
    socket.emit('run.logs.v1', { runId, chunks });
  }
}
