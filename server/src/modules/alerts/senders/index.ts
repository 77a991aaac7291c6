import type { AlertChannelType } from '@baton/protocol';
import type { AlertPayload } from '../alert-message.js';
import { redact, secretStrings, type ChannelConfig } from '../channel-config.js';
import { DingTalkSender } from './dingtalk.sender.js';
import { EmailSender } from './email.sender.js';
import { FeishuSender } from './feishu.sender.js';
import type { AlertSender } from './sender.js';
import { SlackSender } from './slack.sender.js';
import { WebhookSender } from './webhook.sender.js';
import { WeComSender } from './wecom.sender.js';

export type { AlertSender, SendOptions } from './sender.js';

const SENDERS: Record<AlertChannelType, AlertSender> = {
  WEBHOOK: new WebhookSender(),
  SLACK: new SlackSender(),
  DINGTALK: new DingTalkSender(),
  FEISHU: new FeishuSender(),
  WECOM: new WeComSender(),
  EMAIL: new EmailSender(),
};

export function senderFor(type: AlertChannelType): AlertSender {
  return SENDERS[type];
}

export type DeliveryResult = { delivered: true } | { delivered: false; error: string };

/** Sends with the channel's sender; a failure comes back as text with every secret of the channel removed. */
export async function deliverAlert(type: AlertChannelType, config: ChannelConfig, payload: AlertPayload, timeoutMs: number): Promise<DeliveryResult> {
  try {
    await senderFor(type).send(payload, config, { timeoutMs });
    return { delivered: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { delivered: false, error: redact(message, secretStrings(type, config)).slice(0, 1000) };
  }
}
