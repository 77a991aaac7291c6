import type { AlertPayload } from '../alert-message.js';
import type { ChannelConfig } from '../channel-config.js';
import { postJson } from './http.js';
import type { AlertSender, SendOptions } from './sender.js';

/** Slack incoming webhook: `{ text }` in mrkdwn; Slack answers 200 "ok" or an error status. */
export class SlackSender implements AlertSender {
  async send(payload: AlertPayload, config: ChannelConfig, opts: SendOptions): Promise<void> {
    const text = `*${escapeMrkdwn(payload.title)}*\n${escapeMrkdwn(payload.text)}`;
    await postJson(config.url as string, { text }, { timeoutMs: opts.timeoutMs });
  }
}

/** Slack's three control characters in message text. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
