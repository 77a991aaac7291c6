import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAlertPayload } from '../../../src/modules/alerts/alert-message.js';
import { deliverAlert, senderFor } from '../../../src/modules/alerts/senders/index.js';
import { dingTalkSign, feishuSign } from '../../../src/modules/alerts/signing.js';

interface Hit {
  url: string;
  headers: IncomingMessage['headers'];
  body: any;
}

let server: Server;
let base: string;
const hits: Hit[] = [];
/** What the sink answers next: status and body (default 200 {}). */
let answer: { status: number; body: string; delayMs?: number } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      hits.push({ url: req.url!, headers: req.headers, body: data ? JSON.parse(data) : undefined });
      setTimeout(() => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits.length = 0;
  answer = { status: 200, body: '{}' };
});

const payload = runAlertPayload(
  'RUN_DEAD',
  { id: '42', status: 'FAILED', attempt: 3, statusReason: 'dead: attempts exhausted (3 of 3)', errorMessage: 'boom <b>', finishedAt: new Date('2026-01-01T00:00:00Z') },
  { id: '7', key: 'billing:close', app: 'billing' },
  '',
  new Date('2026-01-01T00:00:01Z'),
);
const opts = { timeoutMs: 2000, nowMs: () => 1_700_000_000_123 };

describe('message', () => {
  it('is concise and carries the job key, run id, status, error and link path', () => {
    expect(payload.title).toBe('[Baton] billing:close: run 42 FAILED, no retry follows');
    expect(payload.text).toContain('Job billing:close, run 42 (attempt 3): FAILED.');
    expect(payload.text).toContain('Error: boom <b>');
    expect(payload.link).toBe('/runs/42');
    expect(payload.text.split('\n').at(-1)).toBe('/runs/42');
  });
});

describe('senders', () => {
  it('WEBHOOK posts the whole alert as JSON with the secret in its header', async () => {
    await senderFor('WEBHOOK').send(payload, { url: `${base}/hook`, secret: 's3cret', secretHeader: 'X-Token' }, opts);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.headers['x-token']).toBe('s3cret');
    expect(hits[0]!.headers['content-type']).toMatch(/^application\/json/);
    expect(hits[0]!.body).toMatchObject({ source: 'baton', kind: 'RUN_DEAD', jobKey: 'billing:close', runId: '42', status: 'FAILED', link: '/runs/42' });
  });

  it('SLACK posts { text } with mrkdwn escaped', async () => {
    await senderFor('SLACK').send(payload, { url: `${base}/services/T/B/X` }, opts);
    expect(Object.keys(hits[0]!.body)).toEqual(['text']);
    expect(hits[0]!.body.text).toMatch(/^\*\[Baton\] billing:close: run 42 FAILED/);
    expect(hits[0]!.body.text).toContain('boom &lt;b&gt;');
  });

  it('DINGTALK signs the URL with timestamp and sign', async () => {
    answer = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
    await senderFor('DINGTALK').send(payload, { url: `${base}/robot/send?access_token=tok`, secret: 'SECxyz' }, opts);
    const url = new URL(hits[0]!.url, base);
    expect(url.searchParams.get('access_token')).toBe('tok');
    expect(url.searchParams.get('timestamp')).toBe('1700000000123');
    expect(url.searchParams.get('sign')).toBe(dingTalkSign('SECxyz', 1_700_000_000_123));
    expect(hits[0]!.body).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('run 42') } });
  });

  it('DINGTALK: an errcode other than 0 is a failure', async () => {
    answer = { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' };
    await expect(senderFor('DINGTALK').send(payload, { url: `${base}/robot/send?access_token=tok` }, opts)).rejects.toThrow('refused: errcode 310000 sign not match');
  });

  it('FEISHU puts timestamp (seconds) and sign in the body', async () => {
    answer = { status: 200, body: '{"code":0,"msg":"success"}' };
    await senderFor('FEISHU').send(payload, { url: `${base}/open-apis/bot/v2/hook/abc`, secret: 'fsec' }, opts);
    expect(hits[0]!.body).toEqual({ msg_type: 'text', content: { text: expect.stringContaining('run 42') }, timestamp: '1700000000', sign: feishuSign('fsec', 1_700_000_000) });
  });

  it('FEISHU: a non-zero code is a failure', async () => {
    answer = { status: 200, body: '{"code":19021,"msg":"sign match fail"}' };
    await expect(senderFor('FEISHU').send(payload, { url: `${base}/h` }, opts)).rejects.toThrow(/code 19021/);
  });

  it('WECOM posts a text message and checks errcode', async () => {
    answer = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
    await senderFor('WECOM').send(payload, { url: `${base}/cgi-bin/webhook/send?key=k` }, opts);
    expect(hits[0]!.body).toEqual({ msgtype: 'text', text: { content: expect.stringContaining('billing:close') } });
  });
});

describe('deliverAlert', () => {
  it('reports an HTTP error with the channel\'s secrets removed', async () => {
    answer = { status: 500, body: '{"error":"bad token tok-SECRET-123"}' };
    const result = await deliverAlert('WECOM', { url: `${base}/cgi-bin/webhook/send?key=tok-SECRET-123` }, payload, 2000);
    expect(result).toEqual({ delivered: false, error: expect.stringMatching(/^HTTP 500/) });
    expect(JSON.stringify(result)).not.toContain('tok-SECRET-123');
  });

  it('times out', async () => {
    answer = { status: 200, body: '{}', delayMs: 1000 };
    expect(await deliverAlert('WEBHOOK', { url: `${base}/slow` }, payload, 100)).toEqual({ delivered: false, error: 'timed out after 100 ms' });
  });

  it('reports an unreachable receiver', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await deliverAlert('SLACK', { url: `http://127.0.0.1:${port}/services/x` }, payload, 2000);
    expect(result).toEqual({ delivered: false, error: expect.stringMatching(/^request failed: ECONNREFUSED/) });
  });
});
