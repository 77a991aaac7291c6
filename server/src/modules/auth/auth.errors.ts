import { DomainError } from '../../common/errors/domain-error.js';

export const unauthenticated = (message: string) => new DomainError('UNAUTHENTICATED', message);
export const notSignedIn = () => unauthenticated('Sign in first: send the baton_session cookie, or `Authorization: Bearer <api key>`.');
export const sessionEnded = () => unauthenticated('Your session has ended (signed out, expired or idle too long); sign in again.');
export const csrfTokenInvalid = () =>
  new DomainError('CSRF_TOKEN_INVALID', 'Send the value of the baton_csrf cookie in the X-CSRF-Token header with every POST, PUT, PATCH or DELETE made with the session cookie.');
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const loginFailed = () => new DomainError('LOGIN_FAILED', 'Wrong e-mail or password.');
export const accountLocked = (retryAfterS: number) =>
  new DomainError('ACCOUNT_LOCKED', `Too many failed sign-ins: this account is locked; try again in ${retryAfterS} s or ask an admin to reset the password.`, { retryAfterSeconds: retryAfterS }, { 'Retry-After': String(retryAfterS) });
export const rateLimited = (retryAfterS: number) =>
  new DomainError('RATE_LIMITED', `Too many failed sign-ins from your address; try again in ${retryAfterS} s.`, { retryAfterSeconds: retryAfterS }, { 'Retry-After': String(retryAfterS) });
export const setupNotAvailable = () => new DomainError('SETUP_NOT_AVAILABLE', 'Setup is done: a user already exists. Sign in instead.');
export const setupTokenInvalid = () =>
  new DomainError('SETUP_TOKEN_INVALID', 'The setup token is unknown, expired or already used. Restart the server to log a new setup link.');
export const passwordTooWeak = (problem: string) => new DomainError('PASSWORD_TOO_WEAK', problem, [{ field: 'password', message: problem }]);
export const userNotFound = (id: string) => new DomainError('USER_NOT_FOUND', `No user ${id}.`);
export const userEmailTaken = (email: string) => new DomainError('USER_EMAIL_TAKEN', `A user with e-mail ${email} already exists.`);
export const lastAdmin = () => new DomainError('LAST_ADMIN', 'This is the last enabled admin; make another user admin first.');
export const userVersionConflict = (current: number) =>
  new DomainError('VERSION_CONFLICT', `The user was changed by someone else (now version ${current}); reload and retry.`, { currentVersion: current });
export const apiKeyNotFound = (id: string) => new DomainError('API_KEY_NOT_FOUND', `No API key ${id}.`);
