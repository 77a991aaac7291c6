import { DomainError, invalidField } from '../../common/errors/domain-error.js';

export const channelNotFound = (ref: string) => new DomainError('ALERT_CHANNEL_NOT_FOUND', `No alert channel "${ref.slice(0, 200)}".`);
export const channelNameTaken = (name: string) => new DomainError('ALERT_CHANNEL_NAME_TAKEN', `An alert channel named "${name}" already exists; pick another name.`);
export const channelVersionConflict = (name: string, sent: number, current: number) =>
  new DomainError('VERSION_CONFLICT', `Alert channel "${name}" was changed since version ${sent} (now ${current}); reload it and apply your change again.`, {
    sentVersion: sent,
    currentVersion: current,
  });
export const channelInUse = (name: string, jobs: string[]) =>
  new DomainError('ALERT_CHANNEL_IN_USE', `Jobs still send alerts to channel "${name}" (${jobs.join(', ')}); route them elsewhere first (PUT /jobs/:job/alerts).`, { jobs });
export const routedChannelNotFound = (index: number, ref: string) => invalidField(`channels[${index}]`, `no alert channel "${ref.slice(0, 200)}"`);
