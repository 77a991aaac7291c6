import type { AlertChannelType, FieldProblem } from '@baton/protocol';
import { validationError } from '../../common/errors/domain-error.js';

/** A channel's validated settings, as stored (JSON in alert_channels.config). Absent optional fields are left out. */
export type ChannelConfig = Record<string, string | number | boolean | string[]>;

type Kind = 'url' | 'text' | 'header' | 'host' | 'port' | 'bool' | 'email' | 'emails';
interface FieldSpec {
  kind: Kind;
  required: boolean;
  /** Never returned by the API, never logged. */
  secret: boolean;
}

const field = (kind: Kind, opts: { required?: boolean; secret?: boolean } = {}): FieldSpec => ({ kind, required: opts.required ?? false, secret: opts.secret ?? false });
/** A chat robot's webhook URL carries its access token: the whole URL is a secret. */
const secretUrl = field('url', { required: true, secret: true });
const signingSecret = field('text', { secret: true });

/** Every field each type takes; anything else is refused. */
export const CHANNEL_FIELDS: Record<AlertChannelType, Record<string, FieldSpec>> = {
  WEBHOOK: { url: secretUrl, secret: signingSecret, secretHeader: field('header') },
  SLACK: { url: secretUrl },
  DINGTALK: { url: secretUrl, secret: signingSecret },
  FEISHU: { url: secretUrl, secret: signingSecret },
  WECOM: { url: secretUrl },
  EMAIL: {
    host: field('host', { required: true }),
    port: field('port', { required: true }),
    secure: field('bool'),
    user: field('text'),
    password: field('text', { secret: true }),
    from: field('email', { required: true }),
    to: field('emails', { required: true }),
  },
};

export const DEFAULT_SECRET_HEADER = 'X-Baton-Secret';
const MAX_URL = 2048;
const MAX_TEXT = 512;
const MAX_RECIPIENTS = 50;
const CONTROL = /[\u0000-\u001f\u007f]/;
const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/;
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+$/;
/** `alerts@example.com` or `Baton <alerts@example.com>`. */
const MAILBOX = /^(?:[^<>\u0000-\u001f]{0,128}<([^\s@<>",;]+@[^\s@<>",;]+)>|([^\s@<>",;]+@[^\s@<>",;]+))$/;

/** Validates a whole config for `type`, strictly: unknown fields, wrong types and bad values are listed by path. */
export function parseChannelConfig(type: AlertChannelType, input: unknown, path = 'config'): ChannelConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw validationError([{ field: path, message: 'must be an object' }]);
  const specs = CHANNEL_FIELDS[type];
  const problems: FieldProblem[] = [];
  const out: ChannelConfig = {};
  for (const key of Object.keys(input)) if (!(key in specs)) problems.push({ field: `${path}.${key}`, message: `is not a known field of a ${type} channel` });
  for (const [key, spec] of Object.entries(specs)) {
    const value = (input as Record<string, unknown>)[key];
    if (value === undefined || value === null) {
      if (spec.required) problems.push({ field: `${path}.${key}`, message: 'is required' });
      continue;
    }
    const checked = check(spec.kind, value);
    if (typeof checked === 'object' && checked !== null && 'problem' in checked) problems.push({ field: `${path}.${key}`, message: checked.problem });
    else out[key] = checked as ChannelConfig[string];
  }
  if (problems.length > 0) throw validationError(problems);
  if (type === 'EMAIL' && out.secure === undefined) out.secure = out.port === 465;
  if (type === 'EMAIL' && out.password !== undefined && out.user === undefined) throw validationError([{ field: `${path}.user`, message: 'is required with a password' }]);
  return out;
}

/**
 * An update's config, merged into the stored one: a field given replaces it, `null` clears it,
 * a field left out (or a secret sent back as the API showed it, masked) keeps it.
 */
export function mergeChannelConfig(type: AlertChannelType, stored: ChannelConfig, patch: unknown, path = 'config'): ChannelConfig {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw validationError([{ field: path, message: 'must be an object' }]);
  const specs = CHANNEL_FIELDS[type];
  const merged: Record<string, unknown> = { ...stored };
  if (type === 'EMAIL' && 'port' in patch && !('secure' in patch)) delete merged.secure; // follows the new port unless given
  for (const [key, value] of Object.entries(patch)) {
    const spec = specs[key];
    if (spec?.secret && typeof value === 'string' && stored[key] !== undefined && value === maskValue(spec, stored[key])) continue;
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return parseChannelConfig(type, merged, path);
}

/** The config as the API shows it: secrets masked, plus which secret fields are set. */
export function maskChannelConfig(type: AlertChannelType, config: ChannelConfig): { config: Record<string, unknown>; secrets: Record<string, boolean> } {
  const shown: Record<string, unknown> = {};
  const secrets: Record<string, boolean> = {};
  for (const [key, spec] of Object.entries(CHANNEL_FIELDS[type])) {
    const value = config[key];
    if (spec.secret) secrets[key] = value !== undefined;
    if (value === undefined) continue;
    shown[key] = spec.secret ? maskValue(spec, value) : value;
  }
  if (type === 'WEBHOOK' && config.secret !== undefined && config.secretHeader === undefined) shown.secretHeader = DEFAULT_SECRET_HEADER;
  return { config: shown, secrets };
}

/** `https://hooks.slack.com/…(hidden)` for a URL (its origin only), `••••` for anything else. */
export function maskValue(spec: FieldSpec, value: unknown): string {
  if (spec.kind === 'url' && typeof value === 'string') return `${originOf(value)}/…(hidden)`;
  return '••••';
}

/**
 * Every string of this config that must not appear in a log line or a stored error: each secret
 * value, and for URLs also their path, query and query values (which is where tokens sit).
 */
export function secretStrings(type: AlertChannelType, config: ChannelConfig): string[] {
  const found = new Set<string>();
  for (const [key, spec] of Object.entries(CHANNEL_FIELDS[type])) {
    const value = config[key];
    if (!spec.secret || typeof value !== 'string' || value === '') continue;
    found.add(value);
    if (spec.kind !== 'url') continue;
    try {
      const u = new URL(value);
      if (u.pathname.length > 1) found.add(u.pathname);
      if (u.search.length > 1) found.add(u.search.slice(1));
      for (const v of u.searchParams.values()) if (v.length >= 4) found.add(v);
      for (const part of u.pathname.split('/')) if (part.length >= 8) found.add(part);
    } catch {
      /* validated on the way in; nothing more to add */
    }
  }
  return [...found];
}

/** Replaces every secret (and its URL-encoded form) in `text` with `(hidden)`. */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    for (const form of new Set([s, encodeURIComponent(s)])) if (form.length > 0) out = out.split(form).join('(hidden)');
  }
  return out;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

type Checked = string | number | boolean | string[] | { problem: string };

function check(kind: Kind, value: unknown): Checked {
  switch (kind) {
    case 'url':
      return checkUrl(value);
    case 'text':
      return typeof value === 'string' && value.length >= 1 && value.length <= MAX_TEXT && !CONTROL.test(value)
        ? value
        : { problem: `must be a string of 1-${MAX_TEXT} characters without control characters` };
    case 'header':
      return typeof value === 'string' && HEADER.test(value) ? value : { problem: 'must be an HTTP header name (letters, digits and !#$%&\'*+.^_`|~-, up to 64)' };
    case 'host':
      return typeof value === 'string' && value.length <= 253 && HOST.test(value) ? value : { problem: 'must be a host name or IP address' };
    case 'port':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535 ? value : { problem: 'must be a whole number 1-65535' };
    case 'bool':
      return typeof value === 'boolean' ? value : { problem: 'must be true or false' };
    case 'email':
      return typeof value === 'string' && value.length <= 254 && MAILBOX.test(value) ? value : { problem: 'must be an e-mail address, optionally as "Name <address>"' };
    case 'emails':
      if (!Array.isArray(value) || value.length < 1 || value.length > MAX_RECIPIENTS) return { problem: `must be a list of 1-${MAX_RECIPIENTS} e-mail addresses` };
      for (const [i, v] of value.entries()) if (typeof v !== 'string' || v.length > 254 || !ADDRESS.test(v)) return { problem: `entry ${i} is not an e-mail address` };
      return [...new Set(value as string[])];
  }
}

function checkUrl(value: unknown): Checked {
  const problem = { problem: `must be an http:// or https:// URL of at most ${MAX_URL} characters` };
  if (typeof value !== 'string' || value.length > MAX_URL || /\s/.test(value) || CONTROL.test(value)) return problem;
  try {
    const u = new URL(value);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') return problem;
    return value;
  } catch {
    return problem;
  }
}
