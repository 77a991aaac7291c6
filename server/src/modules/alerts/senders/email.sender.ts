import nodemailer from 'nodemailer';
import type { AlertPayload } from '../alert-message.js';
import type { ChannelConfig } from '../channel-config.js';
import type { AlertSender, SendOptions } from './sender.js';

/** SMTP via nodemailer: one connection per alert (alerts are rare), closed afterwards. */
export class EmailSender implements AlertSender {
  async send(payload: AlertPayload, config: ChannelConfig, opts: SendOptions): Promise<void> {
    const transport = nodemailer.createTransport({
      host: config.host as string,
      port: config.port as number,
      secure: config.secure === true,
      auth: typeof config.user === 'string' ? { user: config.user, pass: (config.password as string | undefined) ?? '' } : undefined,
      connectionTimeout: opts.timeoutMs,
      greetingTimeout: opts.timeoutMs,
      socketTimeout: opts.timeoutMs,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    try {
      await withDeadline(
        transport.sendMail({ from: config.from as string, to: config.to as string[], subject: payload.title, text: payload.text }),
        opts.timeoutMs,
      );
    } catch (error) {
      const e = error as { code?: string; responseCode?: number; message?: string };
      throw new Error(`SMTP ${e.responseCode ?? e.code ?? 'error'}: ${(e.message ?? String(error)).slice(0, 300)}`);
    } finally {
      transport.close();
    }
  }
}

/** nodemailer's timeouts are per step; this bounds the whole session. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
