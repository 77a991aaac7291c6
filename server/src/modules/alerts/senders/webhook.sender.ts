import type { AlertPayload } from '../alert-message.js';
import { DEFAULT_SECRET_HEADER, type ChannelConfig } from '../channel-config.js';
import { postJson } from './http.js';
import type { AlertSender, SendOptions } from './sender.js';

/** A generic JSON POST of the whole alert; the optional secret goes in a header so the receiver can check the sender. */
export class WebhookSender implements AlertSender {
  async send(payload: AlertPayload, config: ChannelConfig, opts: SendOptions): Promise<void> {
    const headers: Record<string, string> = {};
    if (typeof config.secret === 'string') headers[(config.secretHeader as string | undefined) ?? DEFAULT_SECRET_HEADER] = config.secret;
    await postJson(config.url as string, { source: 'baton', ...payload }, { timeoutMs: opts.timeoutMs, headers });
  }
}
