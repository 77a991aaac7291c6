import type { AlertPayload } from '../alert-message.js';
import type { ChannelConfig } from '../channel-config.js';
import { errcodeCheck, postJson } from './http.js';
import { plainText, type AlertSender, type SendOptions } from './sender.js';

/** WeCom group robot: a text message; the key in the URL is the credential. */
export class WeComSender implements AlertSender {
  async send(payload: AlertPayload, config: ChannelConfig, opts: SendOptions): Promise<void> {
    await postJson(config.url as string, { msgtype: 'text', text: { content: plainText(payload) } }, { timeoutMs: opts.timeoutMs, check: errcodeCheck });
  }
}
