/** Where an alert can go. */
export const ALERT_CHANNEL_TYPES = ['WEBHOOK', 'SLACK', 'DINGTALK', 'FEISHU', 'WECOM', 'EMAIL'] as const;
export type AlertChannelType = (typeof ALERT_CHANNEL_TYPES)[number];

/**
 * What an alert is about. RUN_DEAD: a run failed, timed out or was lost and no retry follows.
 * RUN_LOST: every LOST run. MISFIRE_SKIPPED: a planned fire was skipped by the misfire policy.
 * NO_EXECUTOR: an app's due runs wait because no executor can take them.
 */
export const ALERT_KINDS = ['RUN_DEAD', 'RUN_LOST', 'MISFIRE_SKIPPED', 'NO_EXECUTOR'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** PENDING: waiting to be sent (or retried); SUPPRESSED: inside the job's suppression window, never sent. */
export const ALERT_STATUSES = ['PENDING', 'SENT', 'FAILED', 'SUPPRESSED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What the API shows instead of a secret value. */
export const SECRET_MASK = '••••';

// ---- channel configs, as sent by clients ---------------------------------------------------
// Secret fields (webhook URLs of chat robots embed their token) are never returned: responses
// show them masked and list in `secrets` which ones are set. An update may omit a secret (or
// send back the masked value) to keep it; `null` clears an optional one.

/** A JSON POST to any http(s) URL; `secret` is sent in the header `secretHeader` (default X-Baton-Secret). */
export interface WebhookChannelConfig {
  url: string;
  secret?: string | null;
  secretHeader?: string | null;
}
/** A Slack incoming webhook URL. */
export interface SlackChannelConfig {
  url: string;
}
/** A DingTalk robot webhook URL, with the robot's signing secret when "sign" security is on. */
export interface DingTalkChannelConfig {
  url: string;
  secret?: string | null;
}
/** A Feishu/Lark bot webhook URL, with the bot's signing secret when signature verification is on. */
export interface FeishuChannelConfig {
  url: string;
  secret?: string | null;
}
/** A WeCom (WeChat Work) group robot webhook URL. */
export interface WeComChannelConfig {
  url: string;
}
/** SMTP delivery. `secure`: TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
export interface EmailChannelConfig {
  host: string;
  port: number;
  secure?: boolean;
  user?: string | null;
  password?: string | null;
  from: string;
  to: string[];
}

export type AlertChannelConfig =
  | WebhookChannelConfig
  | SlackChannelConfig
  | DingTalkChannelConfig
  | FeishuChannelConfig
  | WeComChannelConfig
  | EmailChannelConfig;

export interface AlertChannelDto {
  id: string;
  name: string;
  type: AlertChannelType;
  enabled: boolean;
  /** The channel's settings with every secret masked (URLs show only their origin). */
  config: Record<string, unknown>;
  /** Which secret fields hold a value, e.g. `{ "url": true, "secret": false }`. */
  secrets: Record<string, boolean>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateAlertChannelRequest {
  name: string;
  type: AlertChannelType;
  config: AlertChannelConfig;
  enabled?: boolean;
}

/** `config` is merged into the stored one field by field; the type cannot change. */
export interface UpdateAlertChannelRequest {
  version: number;
  name?: string;
  enabled?: boolean;
  config?: Record<string, unknown>;
}

/** The outcome of `POST /alert-channels/:id/test`. */
export interface AlertChannelTestResult {
  delivered: boolean;
  /** Why it failed, with secrets removed. */
  error: string | null;
  durationMs: number;
}

// ---- per-job routing -----------------------------------------------------------------------

export interface JobAlertRoutingDto {
  jobId: string;
  jobKey: string;
  channels: Array<{ id: string; name: string; type: AlertChannelType; enabled: boolean }>;
  suppressWindowMs: number;
  events: AlertKind[];
}

export interface PutJobAlertRoutingRequest {
  /** Channel ids or names; an empty list turns the job's alerts off. */
  channels: string[];
  /** 0 to 7 days. */
  suppressWindowMs: number;
  /** Default: every kind. */
  events?: AlertKind[];
}

// ---- history -------------------------------------------------------------------------------

export interface AlertDto {
  id: string;
  kind: AlertKind;
  status: AlertStatus;
  channel: { id: string; name: string | null; type: AlertChannelType | null };
  appId: string | null;
  jobId: string | null;
  /** `app:name` as it was when the alert was recorded. */
  jobKey: string | null;
  runId: string | null;
  title: string;
  text: string;
  /** Link path in the console, e.g. `/runs/42`. */
  link: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  /** The last delivery error, with secrets removed. */
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
