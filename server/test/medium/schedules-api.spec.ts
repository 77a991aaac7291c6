import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ label: 'sched' });
});
afterAll(async () => {
  await server?.close();
});

describe('POST /schedules/preview', () => {
  it('lists cron fire times in the zone, with offsets, across a DST change', async () => {
    const res = await server.api.post('/schedules/preview', {
      type: 'CRON',
      expression: '0 30 2 * * ?',
      timezone: 'Europe/Berlin',
      from: '2026-03-27T12:00:00Z',
      count: 4,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      timezone: 'Europe/Berlin',
      // 02:30 does not exist on 2026-03-29; it fires once, shifted by the gap, at 03:30 CEST.
      fireTimes: ['2026-03-28T02:30:00.000+01:00', '2026-03-29T03:30:00.000+02:00', '2026-03-30T02:30:00.000+02:00', '2026-03-31T02:30:00.000+02:00'],
    });
  });

  it('previews fixed-rate and once schedules; defaults to 10 fire times from now', async () => {
    const rate = await server.api.post('/schedules/preview', { type: 'FIXED_RATE', expression: 'PT1H', from: '2026-01-01T00:00:00Z', count: 2 });
    expect(rate.body.fireTimes).toEqual(['2026-01-01T01:00:00.000+00:00', '2026-01-01T02:00:00.000+00:00']);
    const once = await server.api.post('/schedules/preview', { type: 'ONCE', expression: '2030-05-01T10:00:00+02:00' });
    expect(once.body.fireTimes).toEqual(['2030-05-01T08:00:00.000+00:00']);
    const cron = await server.api.post('/schedules/preview', { type: 'CRON', expression: '* * * * * ?' });
    expect(cron.body.fireTimes).toHaveLength(10);
    expect(new Date(cron.body.fireTimes[0]).getTime()).toBeGreaterThan(Date.now() - 2000);
  });

  it.each([
    [{ type: 'CRON', expression: '0 0 25 * * ?' }, 400, 'INVALID_SCHEDULE', 'expression'],
    [{ type: 'CRON', expression: '0 0 0 30 2 ?', count: 1 }, 200, null, null],
    [{ type: 'CRON', expression: '@daily', timezone: 'Nowhere/City' }, 400, 'INVALID_TIMEZONE', 'timezone'],
    [{ type: 'CRON', expression: '@daily', count: 101 }, 400, 'VALIDATION_FAILED', 'count'],
    [{ type: 'CRON', expression: '@daily', count: 0 }, 400, 'VALIDATION_FAILED', 'count'],
    [{ type: 'CRON', expression: '@daily', from: 'yesterday' }, 400, 'VALIDATION_FAILED', 'from'],
    [{ type: 'WEEKLY', expression: 'x' }, 400, 'VALIDATION_FAILED', 'type'],
    [{ type: 'CRON', expression: 5 }, 400, 'VALIDATION_FAILED', 'expression'],
    [{ type: 'CRON', expression: '@daily', extra: 1 }, 400, 'VALIDATION_FAILED', 'extra'],
  ])('%j → %i %s', async (body, status, code, field) => {
    const res = await server.api.post('/schedules/preview', body);
    expect(res.status).toBe(status);
    if (code) {
      expect(res.body.code).toBe(code);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    } else {
      // A schedule that never fires previews as an empty list (saving it is what is refused).
      expect(res.body.fireTimes).toEqual([]);
    }
  });
});
