import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/common/secrets.js';
import type { AppEntity } from '../../../src/modules/apps/app.entity.js';
import type { AppsService } from '../../../src/modules/apps/apps.service.js';
import { ExecutorAuthService } from '../../../src/modules/executors/executor-auth.service.js';
import { FakeClock } from '../../support/fake-clock.js';
import { handshake } from '../../support/raw-executor.js';

describe('executor token rotation grace', () => {
  const clock = new FakeClock('2026-11-21T10:00:00Z');
  const app = {
    id: '1',
    name: 'billing',
    tokenHash: hashSecret('bat_exe_new'),
    previousTokenHash: hashSecret('bat_exe_old'),
    previousTokenExpiresAt: new Date('2026-11-21T10:10:00Z'),
  } as AppEntity;
  const apps = { resolve: async (ref: string) => (ref === app.name ? app : Promise.reject(new Error('no app'))) } as unknown as AppsService;
  const auth = new ExecutorAuthService(apps, clock);

  it('accepts the previous token until the grace ends, then only the new one', async () => {
    await expect(auth.verify(handshake('billing', 'bat_exe_old'))).resolves.toMatchObject({ app });
    await expect(auth.verify(handshake('billing', 'bat_exe_new'))).resolves.toMatchObject({ app });
    clock.set('2026-11-21T10:09:59.999Z');
    await expect(auth.verify(handshake('billing', 'bat_exe_old'))).resolves.toMatchObject({ app });
    clock.set('2026-11-21T10:10:00Z');
    await expect(auth.verify(handshake('billing', 'bat_exe_old'))).rejects.toThrow(/UNAUTHORIZED/);
    await expect(auth.verify(handshake('billing', 'bat_exe_new'))).resolves.toMatchObject({ app });
    await expect(auth.verify(handshake('billing', 'bat_exe_other'))).rejects.toThrow(/UNAUTHORIZED/);
  });
});
