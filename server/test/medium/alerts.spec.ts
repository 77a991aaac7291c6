import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertChannelDto, AlertDto, AppWithTokenDto, DispatchMessage, DispatchReply, JobDto, Page, RunDispatch, RunDto } from '@baton/protocol';
import { AlertDispatcher } from '../../src/modules/alerts/alert-dispatcher.js';
import { AlertRecorder } from '../../src/modules/alerts/alert-recorder.js';
import { NoExecutorWatch } from '../../src/modules/alerts/no-executor-watch.js';
import { RunsRepository } from '../../src/modules/runs/runs.repository.js';
import { newApp, newJob, uniqueName } from '../support/builders.js';
import { waitFor } from '../support/poll.js';
import { connectRaw, handshake, type RawSocket } from '../support/raw-executor.js';
import { sql } from '../support/sql.js';
import { ApiClient, startTestServer, type ApiResponse, type TestServer } from '../support/test-server.js';

// A real leader (dispatcher, recoverer, alert duties) with fast timings; executors are bare
// socket.io clients that fail runs on request; alerts go to a local HTTP sink and a local SMTP
// sink. Every API response body is kept, and none may contain a secret.

/** Keeps every response body, to prove no secret ever leaves the server. */
class RecordingClient extends ApiClient {
  readonly bodies: string[] = [];
  override async request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    const res = await super.request<T>(method, path, body, headers);
    this.bodies.push(typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? null));
    return res;
  }
}

interface Hit {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

let server: TestServer;
let api: RecordingClient;
let sink: Server;
let sinkUrl: string;
const hits: Hit[] = [];
/** Scripted answers per sink path, consumed in order; afterwards 200. */
const script = new Map<string, number[]>();
let smtp: SMTPServer;
let smtpPort: number;
const mails: Array<{ from: string; to: string[]; raw: string; user: string | undefined }> = [];
const sockets: RawSocket[] = [];
/** Every secret a test configures; none may appear in any response body. */
const secrets: string[] = [];

beforeAll(async () => {
  sink = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const path = new URL(req.url!, 'http://sink').pathname;
      hits.push({ path, headers: req.headers, body: data ? JSON.parse(data) : undefined });
      const status = script.get(path)?.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'server error');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

  smtp = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: `${auth.username}:${auth.password}` });
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, user: session.user as string | undefined });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  server = await startTestServer({
    label: 'alerts',
    env: {
      LEADER_LEASE_TTL_MS: '3000',
      LEADER_RENEW_INTERVAL_MS: '300',
      DISPATCH_POLL_MS: '50',
      RECOVERY_INTERVAL_MS: '200',
      EXECUTOR_HEARTBEAT_INTERVAL_MS: '500',
      RUN_LEASE_MS: '1000',
      ALERT_DISPATCH_INTERVAL_MS: '100',
      ALERT_RETRY_DELAY_MS: '100',
      ALERT_SEND_TIMEOUT_MS: '3000',
      ALERT_WATCH_INTERVAL_MS: '200',
      ALERT_NO_EXECUTOR_AFTER_MS: '500',
    },
  });
  api = new RecordingClient(server.api.baseUrl, server.api.credentials, true);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
  sink?.closeAllConnections();
  await new Promise((resolve) => sink?.close(resolve));
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

// ---- helpers -------------------------------------------------------------------------------

const put = (path: string, body: unknown) => api.request('PUT', path, body);

/** A secret-looking value, remembered so the final test can look for it in every response. */
function secret(prefix: string): string {
  const value = `${prefix}${Math.random().toString(36).slice(2, 12)}TOKEN`;
  secrets.push(value);
  return value;
}

async function channel(type: string, config: object, name = uniqueName('ch')): Promise<AlertChannelDto> {
  const res = await api.post('/alert-channels', { name, type, config });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An executor of `handler` that fails every run (or holds it: never reports, so it is LOST). With `twice`, each result is reported two times. */
async function failingExecutor(app: AppWithTokenDto, handler: string, mode: 'fail' | 'hold' = 'fail', twice = false): Promise<RunDispatch[]> {
  const { socket } = await connectRaw(server.url, handshake(app.name, app.token, { handlers: [handler], concurrency: 8 }));
  sockets.push(socket);
  const seen: RunDispatch[] = [];
  socket.on('run.dispatch.v1', (msg: DispatchMessage, ack: (reply: DispatchReply) => void) => {
    ack({ accepted: msg.runs.map((r) => r.runId), rejected: [] });
    for (const run of msg.runs) {
      seen.push(run);
      void (async () => {
        const ref = { runId: run.runId, attempt: run.attempt };
        await socket.timeout(5000).emitWithAck('run.started.v1', { ...ref, startedAt: new Date().toISOString() });
        if (mode === 'hold') return;
        const result = { ...ref, outcome: 'FAILED', finishedAt: new Date().toISOString(), error: { message: `handler ${handler} broke`, retryable: true } };
        await socket.timeout(5000).emitWithAck('run.result.v1', result);
        if (twice) await socket.timeout(5000).emitWithAck('run.result.v1', result);
      })();
    }
  });
  return seen;
}

/** A job without a schedule whose runs the test triggers; retry maxAttempts 1, so a failure is dead. */
const manualJob = (app: AppWithTokenDto, handler: string): Promise<JobDto> =>
  newJob(api, { app: app.name, handler, retry: { maxAttempts: 1 } as never, schedule: { type: 'NONE', expression: null } as never });

async function triggerAndEnd(job: JobDto, status: string): Promise<RunDto> {
  const res = await api.post(`/jobs/${job.key}/trigger`, {});
  expect(res.status).toBe(202);
  return waitFor(async () => {
    const run = (await api.get<RunDto>(`/runs/${res.body.id}`)).body;
    return run.status === status ? run : null;
  }, { message: `run ${res.body.id} ${status}` });
}

const hitsAt = (path: string) => hits.filter((h) => h.path === path);
const alertsOf = async (query: string) => (await api.get<Page<AlertDto>>(`/alerts?${query}`)).body.items;

/** The current leader term, to drive a leader duty by hand next to its own timer. */
async function term(): Promise<{ nodeId: string; epoch: string }> {
  const rows = await sql(server.db.url, "SELECT holder, epoch FROM scheduler_lease WHERE name = 'leader'");
  return { nodeId: rows[0].holder, epoch: String(rows[0].epoch) };
}

/** Waits until no alert is PENDING, then runs one more dispatcher pass, so nothing more can be on its way. */
async function settle(): Promise<void> {
  await waitFor(async () => Number((await sql(server.db.url, "SELECT COUNT(*) AS n FROM alerts WHERE status = 'PENDING'"))[0].n) === 0, { message: 'no PENDING alerts' });
  await server.app.get(AlertDispatcher).runOnce(await term());
}

// ---- channels --------------------------------------------------------------------------------

describe('alert channels API', () => {
  it('creates each type, validating its config strictly, and never returns a secret', async () => {
    const slackToken = secret('slack');
    const slack = await channel('SLACK', { url: `https://hooks.slack.com/services/T01/B02/${slackToken}` }, 'ops-slack');
    expect(slack).toMatchObject({ name: 'ops-slack', type: 'SLACK', enabled: true, version: 1, config: { url: 'https://hooks.slack.com/…(hidden)' }, secrets: { url: true } });

    const dingToken = secret('ding');
    const dingSecret = secret('SECding');
    const ding = await channel('DINGTALK', { url: `https://oapi.dingtalk.com/robot/send?access_token=${dingToken}`, secret: dingSecret });
    expect(ding.config).toEqual({ url: 'https://oapi.dingtalk.com/…(hidden)', secret: '••••' });
    expect(ding.secrets).toEqual({ url: true, secret: true });

    const feishu = await channel('FEISHU', { url: `https://open.feishu.cn/open-apis/bot/v2/hook/${secret('fs')}` });
    expect(feishu.secrets).toEqual({ url: true, secret: false });
    await channel('WECOM', { url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${secret('wecom')}` });
    const hookSecret = secret('hook');
    const hook = await channel('WEBHOOK', { url: `${sinkUrl}/crud/hook`, secret: hookSecret, secretHeader: 'X-Hook-Token' });
    expect(hook.config).toEqual({ url: `${sinkUrl}/…(hidden)`, secret: '••••', secretHeader: 'X-Hook-Token' });
    const mail = await channel('EMAIL', { host: 'smtp.example.com', port: 587, user: 'bot', password: secret('pw'), from: 'Baton <baton@example.com>', to: ['ops@example.com'] });
    expect(mail.config).toEqual({ host: 'smtp.example.com', port: 587, secure: false, user: 'bot', password: '••••', from: 'Baton <baton@example.com>', to: ['ops@example.com'] });

    expect((await api.get(`/alert-channels/${ding.id}`)).body).toEqual(ding);
    expect((await api.get('/alert-channels/ops-slack')).body.id).toBe(slack.id);
    const list = (await api.get<Page<AlertChannelDto>>('/alert-channels?limit=200')).body.items;
    expect(list.map((c) => c.id)).toEqual(expect.arrayContaining([slack.id, ding.id, hook.id, mail.id]));
  });

  it.each([
    [{ name: 'x1', type: 'PAGER', config: {} }, 'type'],
    [{ name: '1abc', type: 'SLACK', config: { url: 'https://hooks.slack.com/x' } }, 'name'],
    [{ name: 'a', type: 'SLACK', config: 'https://hooks.slack.com/x' }, 'config'],
    [{ name: 'a', type: 'SLACK', config: { url: 'ftp://hooks.slack.com/x' } }, 'config.url'],
    [{ name: 'a', type: 'SLACK', config: { url: 'https://hooks.slack.com/x', channel: '#ops' } }, 'config.channel'],
    [{ name: 'a', type: 'DINGTALK', config: { url: 'https://oapi.dingtalk.com/robot/send', secret: '' } }, 'config.secret'],
    [{ name: 'a', type: 'EMAIL', config: { host: 'smtp.example.com', port: 0, from: 'a@b.c', to: ['x@y.z'] } }, 'config.port'],
    [{ name: 'a', type: 'EMAIL', config: { host: 'smtp.example.com', port: 25, from: 'a@b.c', to: ['nope'] } }, 'config.to'],
    [{ name: 'a', type: 'SLACK', config: { url: 'https://hooks.slack.com/x' }, extra: true }, 'extra'],
  ])('refuses body #%# with 400 naming %1$s', async (body, field) => {
    const res = await api.post('/alert-channels', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('refuses a taken name with 409', async () => {
    const name = uniqueName('dup');
    await channel('WECOM', { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' }, name);
    const res = await api.post('/alert-channels', { name, type: 'WECOM', config: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ALERT_CHANNEL_NAME_TAKEN');
  });

  it('updates with optimistic versions, keeping secrets that are omitted or sent back masked', async () => {
    const first = secret('SECfirst');
    const ding = await channel('DINGTALK', { url: `https://oapi.dingtalk.com/robot/send?access_token=${secret('tok')}`, secret: first });
    const stored = async () => JSON.parse((await sql(server.db.url, 'SELECT config FROM alert_channels WHERE id = ?', [ding.id]))[0].config);
    const before = await stored();

    const stale = await api.patch(`/alert-channels/${ding.id}`, { version: 7, enabled: false });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: 1 } });
    expect((await api.patch(`/alert-channels/${ding.id}`, { enabled: false })).status).toBe(400); // version is required

    const renamed = await api.patch(`/alert-channels/${ding.id}`, { version: 1, name: `${ding.name}-x`, enabled: false });
    expect(renamed.body).toMatchObject({ version: 2, name: `${ding.name}-x`, enabled: false, secrets: { url: true, secret: true } });
    expect(await stored()).toEqual(before);

    const echoed = await api.patch(`/alert-channels/${ding.id}`, { version: 2, config: ding.config });
    expect(echoed.status).toBe(200);
    expect(await stored()).toEqual(before);

    const second = secret('SECsecond');
    expect((await api.patch(`/alert-channels/${ding.id}`, { version: 3, config: { secret: second } })).body.version).toBe(4);
    expect(await stored()).toEqual({ ...before, secret: second });
    const cleared = await api.patch(`/alert-channels/${ding.id}`, { version: 4, config: { secret: null } });
    expect(cleared.body.secrets).toEqual({ url: true, secret: false });

    const bad = await api.patch(`/alert-channels/${ding.id}`, { version: 5, config: { url: 'mailto:x@y.z' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('config.url');
    expect((await api.patch(`/alert-channels/${ding.id}`, { version: 5, type: 'SLACK' })).body.details[0].field).toBe('type');
  });

  it('deletes a channel only while no job routes to it', async () => {
    const app = await newApp(api);
    const job = await newJob(api, { app: app.name });
    const ch = await channel('WECOM', { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' });
    expect((await put(`/jobs/${job.key}/alerts`, { channels: [ch.name], suppressWindowMs: 0 })).status).toBe(200);
    const refused = await api.delete(`/alert-channels/${ch.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'ALERT_CHANNEL_IN_USE', details: { jobs: [job.key] } });
    await put(`/jobs/${job.key}/alerts`, { channels: [], suppressWindowMs: 0 });
    expect((await api.delete(`/alert-channels/${ch.name}`)).status).toBe(204);
    expect((await api.get(`/alert-channels/${ch.id}`)).body.code).toBe('ALERT_CHANNEL_NOT_FOUND');
    expect((await api.delete(`/alert-channels/${ch.id}`)).status).toBe(404);
  });

  it('test-sends and reports the outcome, with secrets removed from errors', async () => {
    const token = secret('hdr');
    const ok = await channel('WEBHOOK', { url: `${sinkUrl}/test-send/ok`, secret: token });
    const res = await api.post(`/alert-channels/${ok.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ delivered: true, error: null });
    expect(hitsAt('/test-send/ok')).toHaveLength(1);
    expect(hitsAt('/test-send/ok')[0]!.headers['x-baton-secret']).toBe(token);
    expect(hitsAt('/test-send/ok')[0]!.body).toMatchObject({ kind: 'TEST', title: expect.stringContaining(ok.name) });

    const pathToken = secret('path');
    script.set(`/test-send/${pathToken}`, [500]);
    const failing = await channel('SLACK', { url: `${sinkUrl}/test-send/${pathToken}` });
    const failed = await api.post(`/alert-channels/${failing.name}/test`);
    expect(failed.body).toMatchObject({ delivered: false, error: 'HTTP 500: server error' });
  });
});

// ---- routing ---------------------------------------------------------------------------------

describe('per-job routing', () => {
  it('sets and reads a job\'s channels (by id or name), events and window', async () => {
    const app = await newApp(api);
    const job = await newJob(api, { app: app.name });
    const a = await channel('WECOM', { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a' });
    const b = await channel('SLACK', { url: `https://hooks.slack.com/services/${secret('rt')}` });

    const empty = await api.get(`/jobs/${job.key}/alerts`);
    expect(empty.body).toEqual({ jobId: job.id, jobKey: job.key, channels: [], suppressWindowMs: 0, events: ['RUN_DEAD', 'RUN_LOST', 'MISFIRE_SKIPPED', 'NO_EXECUTOR'] });

    const set = await put(`/jobs/${job.key}/alerts`, { channels: [a.id, b.name, a.name], suppressWindowMs: 600_000, events: ['RUN_LOST', 'RUN_DEAD'] });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ suppressWindowMs: 600_000, events: ['RUN_DEAD', 'RUN_LOST'] });
    expect(set.body.channels.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
    expect((await api.get(`/jobs/${job.id}/alerts`)).body).toEqual(set.body);

    const off = await put(`/jobs/${job.key}/alerts`, { channels: [], suppressWindowMs: 0 });
    expect(off.body.channels).toEqual([]);
  });

  it.each([
    [{ channels: ['nope-channel'], suppressWindowMs: 0 }, 'channels[0]'],
    [{ channels: [], suppressWindowMs: -1 }, 'suppressWindowMs'],
    [{ channels: [], suppressWindowMs: 8 * 86_400_000 }, 'suppressWindowMs'],
    [{ channels: [] }, 'suppressWindowMs'],
    [{ channels: [], suppressWindowMs: 0, events: ['RUN_DEAD', 'EVERYTHING'] }, 'events'],
    [{ channels: [], suppressWindowMs: 0, events: [] }, 'events'],
    [{ channels: 'all', suppressWindowMs: 0 }, 'channels'],
    [{ channels: [], suppressWindowMs: 0, extra: 1 }, 'extra'],
  ])('refuses body #%# with 400 naming %1$s', async (body, field) => {
    const app = await newApp(api);
    const job = await newJob(api, { app: app.name });
    const res = await put(`/jobs/${job.key}/alerts`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('404s an unknown job', async () => {
    expect((await api.get('/jobs/nope:nope/alerts')).body.code).toBe('JOB_NOT_FOUND');
    expect((await put('/jobs/999999/alerts', { channels: [], suppressWindowMs: 0 })).status).toBe(404);
  });
});

// ---- delivery --------------------------------------------------------------------------------

describe('delivery', () => {
  it('a dead run alerts once per channel (one WEBHOOK and one SLACK POST), even when its end is reported twice', async () => {
    const app = await newApp(api);
    await failingExecutor(app, 'dead', 'fail', true);
    const job = await manualJob(app, 'dead');
    const hookToken = secret('hk');
    const hook = await channel('WEBHOOK', { url: `${sinkUrl}/dead/webhook`, secret: hookToken });
    const slack = await channel('SLACK', { url: `${sinkUrl}/dead/slack/${secret('sl')}` });
    await put(`/jobs/${job.key}/alerts`, { channels: [hook.name, slack.name], suppressWindowMs: 0, events: ['RUN_DEAD'] });

    const run = await triggerAndEnd(job, 'FAILED');
    await waitFor(() => hitsAt('/dead/webhook').length === 1 && hits.some((h) => h.path.startsWith('/dead/slack/')), { message: 'both posts' });
    // The listener again, as another node seeing the same end would: nothing new is recorded.
    const again = await server.app.get(AlertRecorder).runEnded((await server.app.get(RunsRepository).findById(run.id))!);
    expect(again.map((r) => r.outcome)).toEqual(['DUPLICATE', 'DUPLICATE']);
    await settle();

    expect(hitsAt('/dead/webhook')).toHaveLength(1);
    expect(hits.filter((h) => h.path.startsWith('/dead/slack/'))).toHaveLength(1);
    const webhook = hitsAt('/dead/webhook')[0]!;
    expect(webhook.headers['x-baton-secret']).toBe(hookToken);
    expect(webhook.body).toMatchObject({ kind: 'RUN_DEAD', jobKey: job.key, runId: run.id, status: 'FAILED', error: 'handler dead broke', link: `/runs/${run.id}` });
    const slackPost = hits.find((h) => h.path.startsWith('/dead/slack/'))!;
    expect(slackPost.body).toEqual({ text: expect.stringContaining(`${job.key}: run ${run.id} FAILED`) });
    expect(slackPost.body.text).toContain(`/runs/${run.id}`);

    const history = await alertsOf(`job=${job.key}`);
    expect(history).toHaveLength(2);
    expect(history.map((a) => [a.kind, a.status, a.attempts, a.runId])).toEqual([
      ['RUN_DEAD', 'SENT', 1, run.id],
      ['RUN_DEAD', 'SENT', 1, run.id],
    ]);
    expect(history.map((a) => a.channel.name).sort()).toEqual([hook.name, slack.name].sort());
    expect((await alertsOf(`channel=${slack.name}`)).map((a) => a.id)).toEqual(history.filter((a) => a.channel.id === slack.id).map((a) => a.id));
  });

  it('e-mails a dead run once through SMTP', async () => {
    const app = await newApp(api);
    await failingExecutor(app, 'mailed');
    const job = await manualJob(app, 'mailed');
    const password = secret('smtp-pw');
    const mail = await channel('EMAIL', { host: '127.0.0.1', port: smtpPort, secure: false, user: 'baton', password, from: 'Baton <baton@example.com>', to: ['ops@example.com', 'dev@example.com'] });
    await put(`/jobs/${job.key}/alerts`, { channels: [mail.id], suppressWindowMs: 0, events: ['RUN_DEAD'] });

    const run = await triggerAndEnd(job, 'FAILED');
    await waitFor(() => mails.some((m) => m.raw.includes(`run ${run.id}`)), { message: 'the e-mail' });
    await settle();
    const mine = mails.filter((m) => m.raw.includes(`run ${run.id}`));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ from: 'baton@example.com', to: ['ops@example.com', 'dev@example.com'], user: `baton:${password}` });
    expect(mine[0]!.raw).toMatch(new RegExp(`Subject: \\[Baton\\] ${job.key}: run ${run.id} FAILED`));
    expect((await alertsOf(`job=${job.id}`)).map((a) => [a.status, a.attempts])).toEqual([['SENT', 1]]);
  });

  it('retries a failing receiver with backoff: HTTP 500 twice, then 200, is delivered with attempts = 3', async () => {
    const app = await newApp(api);
    await failingExecutor(app, 'flaky');
    const job = await manualJob(app, 'flaky');
    const token = secret('flaky');
    script.set(`/flaky/${token}`, [500, 500]);
    const ch = await channel('SLACK', { url: `${sinkUrl}/flaky/${token}` });
    await put(`/jobs/${job.key}/alerts`, { channels: [ch.id], suppressWindowMs: 0 });

    await triggerAndEnd(job, 'FAILED');
    const [sent] = await waitFor(async () => {
      const rows = await alertsOf(`job=${job.key}`);
      return rows[0]?.status === 'SENT' ? rows : null;
    }, { message: 'the alert SENT' });
    expect(sent).toMatchObject({ status: 'SENT', attempts: 3, lastError: null, nextAttemptAt: null });
    const posts = hitsAt(`/flaky/${token}`);
    expect(posts).toHaveLength(3);
    expect(sent!.sentAt).not.toBeNull();
  });

  it('gives up after ALERT_MAX_ATTEMPTS and stores the error without the secret', async () => {
    const app = await newApp(api);
    await failingExecutor(app, 'down');
    const job = await manualJob(app, 'down');
    const token = secret('down');
    script.set(`/down/${token}`, [500, 500, 500, 500, 500]);
    const ch = await channel('SLACK', { url: `${sinkUrl}/down/${token}` });
    await put(`/jobs/${job.key}/alerts`, { channels: [ch.id], suppressWindowMs: 0 });
    await triggerAndEnd(job, 'FAILED');
    const [failed] = await waitFor(async () => {
      const rows = await alertsOf(`job=${job.key}&status=FAILED`);
      return rows.length === 1 ? rows : null;
    }, { message: 'the alert FAILED', timeoutMs: 15_000 });
    expect(failed).toMatchObject({ attempts: 5, lastError: 'HTTP 500: server error', nextAttemptAt: null, sentAt: null });
  });

  it('suppression: two dead runs within the window give 1 SENT and 1 SUPPRESSED', async () => {
    const app = await newApp(api);
    await failingExecutor(app, 'twice');
    const job = await manualJob(app, 'twice');
    const ch = await channel('WEBHOOK', { url: `${sinkUrl}/suppress/hook` });
    await put(`/jobs/${job.key}/alerts`, { channels: [ch.name], suppressWindowMs: 600_000, events: ['RUN_DEAD'] });

    const first = await triggerAndEnd(job, 'FAILED');
    const second = await triggerAndEnd(job, 'FAILED');
    await waitFor(async () => (await alertsOf(`job=${job.key}`)).length === 2, { message: 'two alerts recorded' });
    await settle();
    const history = await alertsOf(`job=${job.key}`);
    expect(history.map((a) => [a.runId, a.status])).toEqual([
      [second.id, 'SUPPRESSED'],
      [first.id, 'SENT'],
    ]);
    expect(hitsAt('/suppress/hook')).toHaveLength(1);
    expect((await alertsOf(`job=${job.key}&status=SUPPRESSED`)).map((a) => a.runId)).toEqual([second.id]);
    expect((await alertsOf(`job=${job.key}&kind=RUN_LOST`))).toEqual([]);
  });

  it('suppression holds when two dead runs are recorded at the same moment (as on two nodes)', async () => {
    const app = await newApp(api);
    const job = await manualJob(app, 'racing');
    const ch = await channel('WEBHOOK', { url: `${sinkUrl}/race/hook` });
    await put(`/jobs/${job.key}/alerts`, { channels: [ch.id], suppressWindowMs: 600_000, events: ['RUN_DEAD'] });
    const now = new Date();
    for (let i = 0; i < 2; i++) {
      await sql(
        server.db.url,
        `INSERT INTO runs (job_id, app_id, trigger_type, status, scheduled_at, error_message, created_at, updated_at, finished_at)
         VALUES (?, ?, 'API', 'FAILED', ?, 'boom', ?, ?, ?)`,
        [job.id, job.appId, now, now, now, now],
      );
    }
    const ids = (await sql(server.db.url, 'SELECT id FROM runs WHERE job_id = ? ORDER BY id', [job.id])).map((r) => String(r.id));
    const runs = await Promise.all(ids.map(async (id) => (await server.app.get(RunsRepository).findById(id))!));
    const recorder = server.app.get(AlertRecorder);
    const outcomes = (await Promise.all(runs.map((r) => recorder.runEnded(r)))).flat().map((r) => r.outcome);
    expect(outcomes.sort()).toEqual(['PENDING', 'SUPPRESSED']);
    await settle();
    expect(hitsAt('/race/hook')).toHaveLength(1);
  });

  it('RUN_LOST: a run whose executor goes silent alerts (and, filtered to RUN_LOST, not as dead)', async () => {
    const app = await newApp(api);
    await failingExecutor(app, 'silent', 'hold');
    const job = await manualJob(app, 'silent');
    const ch = await channel('WEBHOOK', { url: `${sinkUrl}/lost/hook` });
    await put(`/jobs/${job.key}/alerts`, { channels: [ch.id], suppressWindowMs: 0, events: ['RUN_LOST'] });
    const run = await triggerAndEnd(job, 'LOST');
    await waitFor(() => hitsAt('/lost/hook').length === 1, { message: 'the RUN_LOST post' });
    await settle();
    expect(hitsAt('/lost/hook')).toHaveLength(1);
    expect(hitsAt('/lost/hook')[0]!.body).toMatchObject({ kind: 'RUN_LOST', runId: run.id, status: 'LOST' });
    expect((await alertsOf(`job=${job.key}`)).map((a) => a.kind)).toEqual(['RUN_LOST']);
  });

  it('MISFIRE_SKIPPED: a fire the trigger loop skipped (staged as its SKIPPED MISFIRE run) alerts through the misfire watch', async () => {
    const app = await newApp(api);
    const job = await manualJob(app, 'cron.handler');
    const ch = await channel('WEBHOOK', { url: `${sinkUrl}/misfire/hook` });
    await put(`/jobs/${job.key}/alerts`, { channels: [ch.id], suppressWindowMs: 0, events: ['MISFIRE_SKIPPED'] });
    const now = new Date();
    await sql(
      server.db.url,
      `INSERT INTO runs (job_id, app_id, trigger_type, status, status_reason, scheduled_at, fire_time, created_at, updated_at, finished_at)
       VALUES (?, ?, 'MISFIRE', 'SKIPPED', 'misfire: 3 fires missed (SKIP)', ?, ?, ?, ?, ?)`,
      [job.id, job.appId, now, now, now, now, now],
    );
    await waitFor(() => hitsAt('/misfire/hook').length === 1, { message: 'the MISFIRE_SKIPPED post' });
    expect(hitsAt('/misfire/hook')[0]!.body).toMatchObject({ kind: 'MISFIRE_SKIPPED', jobKey: job.key, status: 'SKIPPED' });

    // A run the dispatcher skipped while it waited arrives through the run-end listener instead.
    await sql(
      server.db.url,
      `INSERT INTO runs (job_id, app_id, trigger_type, status, status_reason, scheduled_at, created_at, updated_at, finished_at)
       VALUES (?, ?, 'CRON', 'SKIPPED', 'misfire skipped: could not start within 5000 ms of its planned time (SKIP)', ?, ?, ?, ?)`,
      [job.id, job.appId, now, now, now, now],
    );
    const staged = (await sql(server.db.url, "SELECT id FROM runs WHERE job_id = ? AND trigger_type = 'CRON'", [job.id]))[0].id;
    const recorded = await server.app.get(AlertRecorder).runEnded((await server.app.get(RunsRepository).findById(String(staged)))!);
    expect(recorded).toEqual([{ kind: 'MISFIRE_SKIPPED', channelId: ch.id, outcome: 'PENDING' }]);
    await waitFor(() => hitsAt('/misfire/hook').length === 2, { message: 'the second MISFIRE_SKIPPED post' });
    await settle();
    expect(hitsAt('/misfire/hook')).toHaveLength(2);
  });

  it('NO_EXECUTOR: an app whose due runs wait for an executor alerts once per outage, to every channel its jobs route it to', async () => {
    const app = await newApp(api);
    const jobA = await manualJob(app, 'nobody.a');
    const jobB = await manualJob(app, 'nobody.b');
    const ch = await channel('WEBHOOK', { url: `${sinkUrl}/noexec/hook` });
    await put(`/jobs/${jobA.key}/alerts`, { channels: [ch.id], suppressWindowMs: 0, events: ['NO_EXECUTOR'] });
    await put(`/jobs/${jobB.key}/alerts`, { channels: [ch.id], suppressWindowMs: 0, events: ['RUN_DEAD'] });
    const run = (await api.post(`/jobs/${jobB.key}/trigger`, {})).body as RunDto;

    await waitFor(() => hitsAt('/noexec/hook').length === 1, { message: 'the NO_EXECUTOR post', timeoutMs: 15_000 });
    expect(hitsAt('/noexec/hook')[0]!.body).toMatchObject({ kind: 'NO_EXECUTOR', app: app.name, runId: run.id, text: expect.stringContaining('waiting for an executor') });
    // Later passes during the same outage add nothing.
    await server.app.get(NoExecutorWatch).runOnce();
    await settle();
    const history = await alertsOf(`channel=${ch.id}`);
    expect(history.map((a) => [a.kind, a.status, a.jobId, a.appId])).toEqual([['NO_EXECUTOR', 'SENT', null, app.id]]);
    expect(hitsAt('/noexec/hook')).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('no secret ever appeared in an API response body', async () => {
    // One more look at everything, including the history.
    await api.get('/alert-channels?limit=200');
    await api.get('/alerts?limit=200');
    expect(secrets.length).toBeGreaterThan(10);
    const all = api.bodies.join('\n');
    for (const s of secrets) expect(all, s).not.toContain(s);
  });
});
