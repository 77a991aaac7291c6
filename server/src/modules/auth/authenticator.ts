import type { Request } from 'express';
import type { Principal } from './principal.js';

/** The parts of an HTTP request or socket.io handshake that identify the caller. */
export interface CredentialSource {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
}

/** The credentials an HTTP request carries. */
export function credentialsOf(req: Request): CredentialSource {
  return { method: req.method, headers: req.headers, ip: req.ip ?? '' };
}

/**
 * Turns credentials into a principal. A session cookie is accepted for unsafe methods only with a
 * matching CSRF header; a bearer API key needs none.
 */
export abstract class Authenticator {
  /**
   * Returns null when the request carries no credentials (anonymous).
   * Throws a DomainError — UNAUTHENTICATED (unknown, expired or revoked session or key, disabled user)
   * or CSRF_TOKEN_INVALID — when it carries bad ones: a bad credential is never treated as anonymous.
   */
  abstract authenticate(source: CredentialSource): Promise<Principal | null>;
}
