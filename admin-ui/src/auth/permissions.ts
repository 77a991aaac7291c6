import type { UserDto } from '@baton/protocol';

export type Action = 'read' | 'trigger' | 'manage' | 'admin';

/**
 * What the signed-in user may do, mirroring the server's roles: admin everything; operator
 * reads, triggers and manages the apps granted; viewer reads them. The server enforces it; the
 * console only hides what would be refused. `null` (nobody signed in) may do nothing.
 */
export function can(user: UserDto | null, action: Action, appId?: string): boolean {
  if (!user) return false;
  if (user.role === 'admin') return true;
  if (action === 'admin') return false;
  if (action !== 'read' && user.role !== 'operator') return false;
  return appId === undefined || user.apps.some((a) => a.id === appId || a.name === appId);
}
