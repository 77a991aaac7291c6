import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace } from 'socket.io';
import { EXECUTOR_NAMESPACE, HANDSHAKE_UNAVAILABLE, type Ack, type ExecutorHandshake, type ResultReply } from '@baton/protocol';
import type { AppEntity } from '../apps/app.entity.js';
import { RunReportsService } from '../runs/run-reports.service.js';
import { ExecutorAuthService, HandshakeRejected } from './executor-auth.service.js';
import { parseHeartbeat, parseLogs, parseProgress, parseResult, parseStarted } from './executor-messages.js';
import type { ExecutorSocket } from './executor-registry.js';
import { ExecutorSessions } from './executor-sessions.service.js';

interface SocketData {
  handshake: ExecutorHandshake;
  app: AppEntity;
}

const REFUSED: Ack = { ok: false };

/**
 * The executors' door: authenticates the handshake before the connection is accepted, then
 * hands each message, parsed at the edge, to one service call. Acks answer with plain values.
 */
@WebSocketGateway({ namespace: EXECUTOR_NAMESPACE, cors: { origin: false }, maxHttpBufferSize: 8 * 1024 * 1024 })
export class ExecutorsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('ExecutorsGateway');
  constructor(
    private readonly auth: ExecutorAuthService,
    private readonly sessions: ExecutorSessions,
    private readonly reports: RunReportsService,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.auth
        .verify(socket.handshake.auth)
        .then(({ handshake, app }) => {
          socket.data = { handshake, app } satisfies SocketData;
          next();
        })
        .catch((error: unknown) => {
          // A refusal is final; anything else (the database is down) is worth a retry.
          const message = error instanceof HandshakeRejected ? error.message : `${HANDSHAKE_UNAVAILABLE}: the server could not check the handshake right now`;
          if (!(error instanceof HandshakeRejected)) this.logger.error(`handshake check failed: ${(error as Error).message}`);
          next(new Error(message));
        });
    });
    this.sessions.attach(namespace as never);
  }

  async handleConnection(socket: ExecutorSocket): Promise<void> {
    const data = socket.data as SocketData;
    await this.sessions.connected(socket, data.handshake, data.app);
  }

  handleDisconnect(socket: ExecutorSocket): void {
    const data = socket.data as SocketData | undefined;
    if (data?.handshake) this.sessions.disconnected(socket, data.handshake.instanceId);
  }

  @SubscribeMessage('run.started.v1')
  async started(@MessageBody() body: unknown): Promise<Ack> {
    const msg = parseStarted(body);
    return msg ? { ok: await this.reports.started(msg) } : REFUSED;
  }

  @SubscribeMessage('run.progress.v1')
  async progress(@MessageBody() body: unknown): Promise<void> {
    const msg = parseProgress(body);
    if (msg) await this.reports.progress(msg);
  }

  @SubscribeMessage('run.logs.v1')
  async logs(@MessageBody() body: unknown): Promise<Ack> {
    const msg = parseLogs(body);
    return msg ? { ok: await this.reports.logs(msg) } : REFUSED;
  }

  @SubscribeMessage('run.result.v1')
  async result(@ConnectedSocket() socket: ExecutorSocket, @MessageBody() body: unknown): Promise<ResultReply> {
    const msg = parseResult(body);
    if (!msg) return { accepted: false, reason: 'malformed result' };
    const reply = await this.reports.result(msg);
    this.sessions.runDone((socket.data as SocketData).handshake.instanceId, msg.runId);
    return reply;
  }

  @SubscribeMessage('heartbeat.v1')
  async heartbeat(@ConnectedSocket() socket: ExecutorSocket, @MessageBody() body: unknown): Promise<Ack> {
    const msg = parseHeartbeat(body);
    if (!msg) return REFUSED;
    await this.sessions.heartbeat((socket.data as SocketData).handshake.instanceId, msg);
    return { ok: true };
  }
}
