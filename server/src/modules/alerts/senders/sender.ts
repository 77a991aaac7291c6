import type { AlertPayload } from '../alert-message.js';
import type { ChannelConfig } from '../channel-config.js';

/**
 * Delivers one alert over one kind of channel. `send` resolves when the receiver accepted it and
 * throws (a plain Error whose message says why) otherwise. Messages may quote what the receiver
 * answered; the caller removes secrets before storing or logging them.
 */
export interface AlertSender {
  send(payload: AlertPayload, config: ChannelConfig, opts: SendOptions): Promise<void>;
}

export interface SendOptions {
  timeoutMs: number;
  /** Injected so signatures can be tested; defaults to Date.now. */
  nowMs?: () => number;
}

/** The text chat robots show: title, then body. */
export function plainText(payload: AlertPayload): string {
  return `${payload.title}\n${payload.text}`;
}
