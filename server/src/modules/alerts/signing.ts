import { createHmac } from 'node:crypto';

/**
 * DingTalk robot "sign" security: sign = Base64(HMAC-SHA256(key = secret, message =
 * `${timestampMs}\n${secret}`)), sent URL-encoded as `&timestamp=…&sign=…` on the webhook URL.
 * The timestamp is in milliseconds and must be within an hour of DingTalk's clock.
 */
export function dingTalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** The robot URL with `timestamp` and `sign` appended. */
export function dingTalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', dingTalkSign(secret, timestampMs));
  return u.toString();
}

/**
 * Feishu/Lark bot signature verification: sign = Base64(HMAC-SHA256(key = `${timestampSec}\n${secret}`,
 * message = empty)), sent in the body as `timestamp` (seconds, a string) and `sign`. The
 * timestamp must be within an hour of Feishu's clock.
 */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('', 'utf8').digest('base64');
}
