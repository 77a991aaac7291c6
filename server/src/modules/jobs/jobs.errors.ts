import { DomainError, invalidField } from '../../common/errors/domain-error.js';

export const jobNotFound = (ref: string) => new DomainError('JOB_NOT_FOUND', `No job "${ref}".`);
export const jobNameTaken = (key: string) => new DomainError('JOB_NAME_TAKEN', `A job "${key}" already exists; pick another name.`);
export const jobVersionConflict = (key: string, sent: number, current: number) =>
  new DomainError('VERSION_CONFLICT', `Job "${key}" was changed since version ${sent} (now ${current}); reload it and apply your change again.`, {
    sentVersion: sent,
    currentVersion: current,
  });
export const jobDependencyCycle = (path: string[]) =>
  new DomainError('JOB_DEPENDENCY_CYCLE', `These children would make a cycle: ${path.join(' → ')}. A job cannot (indirectly) start itself.`, { cycle: path });
export const jobHasParents = (key: string, parents: string[]) =>
  new DomainError('JOB_HAS_PARENTS', `Job "${key}" is a child of ${parents.join(', ')}; remove it from their children first.`, { parents });
export const childNotFound = (index: number, ref: string) => invalidField(`children[${index}].job`, `no job "${ref}"`);
