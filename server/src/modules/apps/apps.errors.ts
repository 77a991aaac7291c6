import { DomainError } from '../../common/errors/domain-error.js';

export const appNotFound = (ref: string) => new DomainError('APP_NOT_FOUND', `No app "${ref}".`);
export const appNameTaken = (name: string) => new DomainError('APP_NAME_TAKEN', `An app named "${name}" already exists; pick another name.`);
export const appHasJobs = (name: string) =>
  new DomainError('APP_HAS_JOBS', `App "${name}" still has jobs; delete or move them first.`);
export const appVersionConflict = (name: string, current: number) =>
  new DomainError('VERSION_CONFLICT', `App "${name}" was changed by someone else (now version ${current}); reload and retry.`, { currentVersion: current });
