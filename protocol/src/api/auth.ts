/**
 * Users, sessions, API keys and the audit log.
 *
 * Browser sessions: `POST /auth/login` (or `/auth/setup`) sets two cookies:
 * `baton_session` (httpOnly, SameSite=Lax) and `baton_csrf` (readable by the console).
 * Every unsafe request (POST/PUT/PATCH/DELETE) made with the session cookie must echo the
 * `baton_csrf` value in the `X-CSRF-Token` header. Services use `Authorization: Bearer <api key>`
 * instead, which needs no CSRF header.
 */

export const USER_ROLES = ['admin', 'operator', 'viewer'] as const;
/** admin: everything; operator: read, trigger and manage the apps granted; viewer: read the apps granted. */
export type UserRole = (typeof USER_ROLES)[number];

export const API_KEY_SCOPES = ['trigger', 'read', 'manage'] as const;
/** trigger: create runs; read: read jobs and runs; manage: edit jobs, kill/cancel/retry runs. Independent of each other. */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The cookie holding the session id (httpOnly). */
export const SESSION_COOKIE = 'baton_session';
/** The cookie holding the CSRF token the console echoes in {@link CSRF_HEADER}. */
export const CSRF_COOKIE = 'baton_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** A reference to an app as users and keys see it. */
export interface AppRef {
  id: string;
  name: string;
}

export interface UserDto {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  /** The apps an operator or viewer may see; admins see every app and get []. */
  apps: AppRef[];
  lockedUntil: string | null;
  lastLoginAt: string | null;
  passwordChangedAt: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** `GET /auth/state`: public; tells the console whether to show setup, login or the app. */
export interface AuthStateDto {
  /** True until the first admin exists. */
  setupRequired: boolean;
  /** The signed-in user, or null. */
  user: UserDto | null;
}

/** `POST /auth/setup`: creates the first admin with the one-time token the server logged. */
export interface SetupRequest {
  token: string;
  email: string;
  password: string;
  displayName?: string;
}

export interface LoginRequest {
  email: string;
  password: string;
}

/** Returned by login and setup; the same CSRF token is also in the `baton_csrf` cookie. */
export interface SessionDto {
  user: UserDto;
  csrfToken: string;
  expiresAt: string;
}

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

export interface CreateUserRequest {
  email: string;
  password: string;
  role: UserRole;
  displayName?: string;
  /** App ids or names granted to an operator or viewer. */
  apps?: string[];
}

export interface UpdateUserRequest {
  displayName?: string;
  role?: UserRole;
  disabled?: boolean;
  apps?: string[];
  version?: number;
}

/** `POST /users/:id/password` (admin): sets a new password and ends the user's sessions. */
export interface ResetPasswordRequest {
  password: string;
}

export interface ApiKeyDto {
  id: string;
  name: string;
  /** First characters of the key, to tell keys apart. */
  prefix: string;
  scopes: ApiKeyScope[];
  /** True: every app, now and later. */
  allApps: boolean;
  apps: AppRef[];
  createdBy: { id: string; email: string } | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateApiKeyRequest {
  name: string;
  scopes: ApiKeyScope[];
  /** App ids or names, or `["*"]` for every app (admin only). */
  apps: string[];
  /** ISO 8601 instant; omitted = no expiry. */
  expiresAt?: string;
}

/** Returned once at creation; only a hash of `key` is stored. */
export interface ApiKeyWithSecretDto extends ApiKeyDto {
  key: string;
}

export const AUDIT_ACTOR_TYPES = ['user', 'api_key', 'system', 'anonymous'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export interface AuditEntryDto {
  id: string;
  at: string;
  actor: { type: AuditActorType; id: string | null; name: string };
  /** e.g. `job.update`, `run.kill`, `auth.login_failed`. */
  action: string;
  target: { type: string; id: string } | null;
  ip: string;
  requestId: string;
  /** What changed; never holds a secret. */
  details: Record<string, unknown> | null;
}

export interface ListAuditQuery {
  actorType?: AuditActorType;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}
