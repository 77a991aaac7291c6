import { describe, expect, it } from 'vitest';
import type { AlertChannelType } from '@baton/protocol';
import { DomainError } from '../../../src/common/errors/domain-error.js';
import { maskChannelConfig, mergeChannelConfig, parseChannelConfig, redact, secretStrings } from '../../../src/modules/alerts/channel-config.js';

const SLACK_URL = 'https://hooks.slack.com/services/T0001/B0002/SlackToken123456';
const DING_URL = 'https://oapi.dingtalk.com/robot/send?access_token=dingToken0123456789';

/** The fields a refused config names, or null when it was accepted. */
function problems(type: AlertChannelType, config: unknown): string[] | null {
  try {
    parseChannelConfig(type, config);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    return ((error as DomainError).details as Array<{ field: string }>).map((p) => p.field);
  }
}

describe('parseChannelConfig', () => {
  it.each<[AlertChannelType, unknown]>([
    ['WEBHOOK', { url: 'http://127.0.0.1:9000/hook' }],
    ['WEBHOOK', { url: 'https://example.com/hook?x=1', secret: 's3cret', secretHeader: 'X-Auth-Token' }],
    ['SLACK', { url: SLACK_URL }],
    ['DINGTALK', { url: DING_URL, secret: 'SECabc' }],
    ['FEISHU', { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc-def' }],
    ['WECOM', { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc' }],
    ['EMAIL', { host: 'smtp.example.com', port: 587, from: 'Baton <alerts@example.com>', to: ['ops@example.com'] }],
    ['EMAIL', { host: '10.0.0.5', port: 465, secure: true, user: 'u', password: 'p', from: 'a@b.c', to: ['x@y.z', 'q@r.s'] }],
  ])('accepts a valid %s config', (type, config) => {
    expect(problems(type, config)).toBeNull();
  });

  it.each<[string, AlertChannelType, unknown, string[]]>([
    ['not an object', 'SLACK', 'https://x', ['config']],
    ['an array', 'SLACK', [], ['config']],
    ['a missing url', 'SLACK', {}, ['config.url']],
    ['an ftp url', 'WEBHOOK', { url: 'ftp://example.com/x' }, ['config.url']],
    ['a javascript: url', 'WEBHOOK', { url: 'javascript:alert(1)' }, ['config.url']],
    ['a url with spaces', 'WEBHOOK', { url: 'https://exa mple.com/' }, ['config.url']],
    ['a url that is not a string', 'WECOM', { url: 42 }, ['config.url']],
    ['an unknown field', 'SLACK', { url: SLACK_URL, channel: '#ops' }, ['config.channel']],
    ['a secret on a type without one', 'WECOM', { url: 'https://q.example/x', secret: 'x' }, ['config.secret']],
    ['an empty secret', 'DINGTALK', { url: DING_URL, secret: '' }, ['config.secret']],
    ['a secret with a newline', 'FEISHU', { url: 'https://f.example/h', secret: 'a\nb' }, ['config.secret']],
    ['a bad header name', 'WEBHOOK', { url: 'https://e.example/h', secret: 's', secretHeader: 'Bad Header' }, ['config.secretHeader']],
    ['a missing email host, port, from and to', 'EMAIL', {}, ['config.host', 'config.port', 'config.from', 'config.to']],
    ['a port out of range', 'EMAIL', { host: 'h', port: 70000, from: 'a@b.c', to: ['x@y.z'] }, ['config.port']],
    ['a port as a string', 'EMAIL', { host: 'h', port: '25', from: 'a@b.c', to: ['x@y.z'] }, ['config.port']],
    ['secure not a boolean', 'EMAIL', { host: 'h', port: 25, secure: 'yes', from: 'a@b.c', to: ['x@y.z'] }, ['config.secure']],
    ['a bad recipient', 'EMAIL', { host: 'h', port: 25, from: 'a@b.c', to: ['not-an-address'] }, ['config.to']],
    ['no recipients', 'EMAIL', { host: 'h', port: 25, from: 'a@b.c', to: [] }, ['config.to']],
    ['a bad sender', 'EMAIL', { host: 'h', port: 25, from: 'nobody', to: ['x@y.z'] }, ['config.from']],
    ['a bad host', 'EMAIL', { host: 'smtp example', port: 25, from: 'a@b.c', to: ['x@y.z'] }, ['config.host']],
    ['a password without a user', 'EMAIL', { host: 'h', port: 25, password: 'p', from: 'a@b.c', to: ['x@y.z'] }, ['config.user']],
  ])('refuses %s, naming the field', (_name, type, config, fields) => {
    expect(problems(type, config)).toEqual(fields);
  });

  it('never echoes a value in its messages', () => {
    try {
      parseChannelConfig('WEBHOOK', { url: 'gopher://secret-token-value/x', secret: 'x'.repeat(600) });
      expect.unreachable();
    } catch (error) {
      expect(JSON.stringify((error as DomainError).details) + (error as Error).message).not.toMatch(/secret-token-value|xxxxxxxx/);
    }
  });

  it('defaults secure from the port and drops duplicate recipients', () => {
    expect(parseChannelConfig('EMAIL', { host: 'h', port: 465, from: 'a@b.c', to: ['x@y.z', 'x@y.z'] })).toEqual({ host: 'h', port: 465, secure: true, from: 'a@b.c', to: ['x@y.z'] });
    expect(parseChannelConfig('EMAIL', { host: 'h', port: 587, from: 'a@b.c', to: ['x@y.z'] }).secure).toBe(false);
  });
});

describe('maskChannelConfig', () => {
  it('shows only the origin of a chat webhook URL and masks secrets, flagging which are set', () => {
    const shown = maskChannelConfig('DINGTALK', { url: DING_URL, secret: 'SECabc' });
    expect(shown).toEqual({ config: { url: 'https://oapi.dingtalk.com/…(hidden)', secret: '••••' }, secrets: { url: true, secret: true } });
    expect(JSON.stringify(shown)).not.toMatch(/dingToken|SECabc|access_token/);
  });

  it('flags an absent secret as unset and shows the default secret header', () => {
    expect(maskChannelConfig('FEISHU', { url: 'https://f.example/hook/tok' })).toEqual({ config: { url: 'https://f.example/…(hidden)' }, secrets: { url: true, secret: false } });
    expect(maskChannelConfig('WEBHOOK', { url: 'https://e.example/h', secret: 'zz' }).config).toEqual({ url: 'https://e.example/…(hidden)', secret: '••••', secretHeader: 'X-Baton-Secret' });
  });

  it('masks the SMTP password and shows the rest', () => {
    const config = parseChannelConfig('EMAIL', { host: 'smtp.example.com', port: 587, user: 'bot', password: 'hunter2!', from: 'a@b.c', to: ['x@y.z'] });
    expect(maskChannelConfig('EMAIL', config)).toEqual({
      config: { host: 'smtp.example.com', port: 587, secure: false, user: 'bot', password: '••••', from: 'a@b.c', to: ['x@y.z'] },
      secrets: { password: true },
    });
  });
});

describe('mergeChannelConfig', () => {
  const stored = parseChannelConfig('DINGTALK', { url: DING_URL, secret: 'SECabc' });

  it('keeps a secret that is left out or sent back masked', () => {
    expect(mergeChannelConfig('DINGTALK', stored, {})).toEqual(stored);
    expect(mergeChannelConfig('DINGTALK', stored, { url: 'https://oapi.dingtalk.com/…(hidden)', secret: '••••' })).toEqual(stored);
  });

  it('replaces a field that is given, and null clears an optional one', () => {
    expect(mergeChannelConfig('DINGTALK', stored, { secret: 'SECnew' })).toEqual({ url: DING_URL, secret: 'SECnew' });
    expect(mergeChannelConfig('DINGTALK', stored, { secret: null })).toEqual({ url: DING_URL });
  });

  it('validates the result: a required field cannot be cleared, unknown fields are refused', () => {
    expect(() => mergeChannelConfig('DINGTALK', stored, { url: null })).toThrow(/config\.url: is required/);
    expect(() => mergeChannelConfig('DINGTALK', stored, { token: 'x' })).toThrow(/config\.token/);
  });

  it('a new SMTP port re-derives secure unless it is given', () => {
    const mail = parseChannelConfig('EMAIL', { host: 'h', port: 587, from: 'a@b.c', to: ['x@y.z'] });
    expect(mergeChannelConfig('EMAIL', mail, { port: 465 }).secure).toBe(true);
    expect(mergeChannelConfig('EMAIL', mail, { port: 465, secure: false }).secure).toBe(false);
  });
});

describe('redact', () => {
  it('removes every secret, its URL parts and their URL-encoded forms', () => {
    const secrets = secretStrings('DINGTALK', { url: DING_URL, secret: 'SEC/ab+c' });
    const text = `POST ${DING_URL}&sign=x failed; token dingToken0123456789; secret SEC/ab+c or ${encodeURIComponent('SEC/ab+c')}`;
    const out = redact(text, secrets);
    expect(out).not.toMatch(/dingToken|SEC\/ab|SEC%2Fab/);
    expect(out).toContain('(hidden)');
  });

  it('covers the path token of a Slack URL', () => {
    const out = redact('could not reach /services/T0001/B0002/SlackToken123456', secretStrings('SLACK', { url: SLACK_URL }));
    expect(out).not.toContain('SlackToken123456');
  });
});
