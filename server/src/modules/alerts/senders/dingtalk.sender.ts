import type { AlertPayload } from '../alert-message.js';
import type { ChannelConfig } from '../channel-config.js';
import { dingTalkSignedUrl } from '../signing.js';
import { errcodeCheck, postJson } from './http.js';
import { plainText, type AlertSender, type SendOptions } from './sender.js';

/** DingTalk group robot: a text message; with a secret, the URL carries timestamp and signature. */
export class DingTalkSender implements AlertSender {
  async send(payload: AlertPayload, config: ChannelConfig, opts: SendOptions): Promise<void> {
    const now = (opts.nowMs ?? Date.now)();
    const url = typeof config.secret === 'string' ? dingTalkSignedUrl(config.url as string, config.secret, now) : (config.url as string);
    await postJson(url, { msgtype: 'text', text: { content: plainText(payload) } }, { timeoutMs: opts.timeoutMs, check: errcodeCheck });
  }
}
