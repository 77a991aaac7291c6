import type { AlertPayload } from '../alert-message.js';
import type { ChannelConfig } from '../channel-config.js';
import { feishuSign } from '../signing.js';
import { postJson, type BodyCheck } from './http.js';
import { plainText, type AlertSender, type SendOptions } from './sender.js';

/** Feishu answers `{ code: 0, msg: "success" }` (older bots: `{ StatusCode: 0 }`). */
const feishuCheck: BodyCheck = (body) => {
  const b = body as { code?: unknown; StatusCode?: unknown; msg?: unknown } | undefined;
  const code = b?.code ?? b?.StatusCode;
  return code === 0 ? null : `refused: code ${String(code ?? '(none)')}${b?.msg ? ` ${String(b.msg).slice(0, 200)}` : ''}`;
};

/** Feishu/Lark custom bot: a text message; with a secret, the body carries timestamp (seconds) and signature. */
export class FeishuSender implements AlertSender {
  async send(payload: AlertPayload, config: ChannelConfig, opts: SendOptions): Promise<void> {
    const body: Record<string, unknown> = { msg_type: 'text', content: { text: plainText(payload) } };
    if (typeof config.secret === 'string') {
      const timestamp = Math.floor((opts.nowMs ?? Date.now)() / 1000);
      body.timestamp = String(timestamp);
      body.sign = feishuSign(config.secret, timestamp);
    }
    await postJson(config.url as string, body, { timeoutMs: opts.timeoutMs, check: feishuCheck });
  }
}
