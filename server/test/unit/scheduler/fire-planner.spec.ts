import { describe, expect, it } from 'vitest';
import type { MisfirePolicy, ScheduleType } from '@baton/protocol';
import { MAX_MISSED_SCAN, planFires, type DueJob } from '../../../src/modules/scheduler/fire-planner.js';
import { compileSchedule } from '../../../src/modules/schedules/core/schedule.js';

const T = (s: string) => new Date(s);
const iso = (d: Date | null) => d?.toISOString() ?? null;

function job(type: ScheduleType, nextFireAt: string, misfire: Partial<Pick<DueJob, 'misfirePolicy' | 'misfireThresholdMs' | 'catchUpLimit'>> = {}): DueJob {
  return { scheduleType: type, nextFireAt: T(nextFireAt), misfirePolicy: 'FIRE_ONCE', misfireThresholdMs: 5000, catchUpLimit: 10, ...misfire };
}

function plan(type: ScheduleType, expression: string | null, j: DueJob, now: string, lookaheadMs = 5000, timezone = 'UTC') {
  const p = planFires(j, compileSchedule({ type, expression, timezone }), { now: T(now), lookaheadMs });
  return {
    fires: p.fires.map((f) => `${f.status} ${f.triggerType} fire=${iso(f.fireTime)} at=${iso(f.scheduledAt)}`),
    next: iso(p.nextFireAt),
    disable: p.disable,
    reasons: p.fires.map((f) => f.reason),
  };
}

describe('planFires: regular fires within the look-ahead window', () => {
  it.each([
    {
      name: 'every-second cron plans each second up to the horizon',
      type: 'CRON' as const, expr: '* * * * * ?', next: '2026-01-01T00:00:00.000Z', now: '2026-01-01T00:00:00.000Z', lookahead: 2000,
      fires: ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z'], after: '2026-01-01T00:00:03.000Z',
    },
    {
      name: 'a cron fire beyond the horizon waits',
      type: 'CRON' as const, expr: '0 0 * * * ?', next: '2026-01-01T01:00:00.000Z', now: '2026-01-01T00:59:50.000Z', lookahead: 5000,
      fires: [], after: '2026-01-01T01:00:00.000Z',
    },
    {
      name: 'fixed rate is anchored to the planned times, not to now (no drift)',
      type: 'FIXED_RATE' as const, expr: 'PT2S', next: '2026-01-01T00:00:00.000Z', now: '2026-01-01T00:00:00.700Z', lookahead: 5000,
      fires: ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:04.000Z'], after: '2026-01-01T00:00:06.000Z',
    },
    {
      name: 'a slightly late fire (within the threshold) still fires normally',
      type: 'CRON' as const, expr: '0 * * * * ?', next: '2026-01-01T00:01:00.000Z', now: '2026-01-01T00:01:04.999Z', lookahead: 1000,
      fires: ['2026-01-01T00:01:00.000Z'], after: '2026-01-01T00:02:00.000Z',
    },
  ])('$name', ({ type, expr, next, now, lookahead, fires, after }) => {
    const p = plan(type, expr, job(type, next), now, lookahead);
    expect(p.fires).toEqual(fires.map((f) => `SCHEDULED ${type} fire=${f} at=${f}`));
    expect(p.next).toBe(after);
    expect(p.disable).toBe(false);
  });

  it('ONCE fires once and disables the job', () => {
    const p = plan('ONCE', '2026-01-01T00:00:03Z', job('ONCE', '2026-01-01T00:00:03.000Z'), '2026-01-01T00:00:00.000Z');
    expect(p.fires).toEqual(['SCHEDULED ONCE fire=2026-01-01T00:00:03.000Z at=2026-01-01T00:00:03.000Z']);
    expect(p).toMatchObject({ next: null, disable: true });
  });

  it('FIXED_DELAY fires once and then waits for the run to end', () => {
    const p = plan('FIXED_DELAY', 'PT1S', job('FIXED_DELAY', '2026-01-01T00:00:01.000Z'), '2026-01-01T00:00:00.000Z');
    expect(p.fires).toEqual(['SCHEDULED FIXED_DELAY fire=2026-01-01T00:00:01.000Z at=2026-01-01T00:00:01.000Z']);
    expect(p).toMatchObject({ next: null, disable: false });
  });

  it('plans in the job zone across a DST gap (02:30 Berlin fires at 03:30 CEST)', () => {
    const p = plan('CRON', '0 30 2 * * ?', job('CRON', '2026-03-29T01:30:00.000Z'), '2026-03-29T01:29:58.000Z', 5000, 'Europe/Berlin');
    expect(p.fires).toEqual(['SCHEDULED CRON fire=2026-03-29T01:30:00.000Z at=2026-03-29T01:30:00.000Z']);
    expect(p.next).toBe('2026-03-30T00:30:00.000Z');
  });
});

describe('planFires: misfires', () => {
  // A per-minute job whose fires at 00:01 … 00:05 were missed; the leader looks at 00:05:30.
  const missedJob = (policy: MisfirePolicy, catchUpLimit = 10) => job('CRON', '2026-01-01T00:01:00.000Z', { misfirePolicy: policy, catchUpLimit });
  const now = '2026-01-01T00:05:30.000Z';

  it('SKIP records one SKIPPED run for the episode and resumes at the next fire', () => {
    const p = plan('CRON', '0 * * * * ?', missedJob('SKIP'), now);
    expect(p.fires).toEqual([`SKIPPED MISFIRE fire=2026-01-01T00:05:00.000Z at=${now}`]);
    expect(p.reasons[0]).toMatch(/misfire skipped: 5 fires planned from 2026-01-01T00:01:00.000Z to 2026-01-01T00:05:00.000Z, found 30000 ms late/);
    expect(p.next).toBe('2026-01-01T00:06:00.000Z');
  });

  it('FIRE_ONCE runs once now, standing for the last missed fire', () => {
    const p = plan('CRON', '0 * * * * ?', missedJob('FIRE_ONCE'), now);
    expect(p.fires).toEqual([`SCHEDULED MISFIRE fire=2026-01-01T00:05:00.000Z at=${now}`]);
    expect(p.reasons[0]).toMatch(/run once for 5 fires/);
    expect(p.next).toBe('2026-01-01T00:06:00.000Z');
  });

  it('CATCH_UP runs every missed fire, oldest first', () => {
    const p = plan('CRON', '0 * * * * ?', missedJob('CATCH_UP'), now);
    expect(p.fires).toEqual(['01', '02', '03', '04', '05'].map((m) => `SCHEDULED MISFIRE fire=2026-01-01T00:${m}:00.000Z at=${now}`));
  });

  it('CATCH_UP beyond its limit runs the oldest and records the rest as one SKIPPED run', () => {
    const p = plan('CRON', '0 * * * * ?', missedJob('CATCH_UP', 2), now);
    expect(p.fires).toEqual([
      `SCHEDULED MISFIRE fire=2026-01-01T00:01:00.000Z at=${now}`,
      `SCHEDULED MISFIRE fire=2026-01-01T00:02:00.000Z at=${now}`,
      `SKIPPED MISFIRE fire=2026-01-01T00:05:00.000Z at=${now}`,
    ]);
    expect(p.reasons[2]).toMatch(/3 fires from 2026-01-01T00:03:00.000Z to 2026-01-01T00:05:00.000Z exceed catchUpLimit 2/);
  });

  it('misfired fires and regular fires in the window come together, each planned time once', () => {
    const p = plan('FIXED_RATE', 'PT2S', job('FIXED_RATE', '2026-01-01T00:00:00.000Z', { misfirePolicy: 'CATCH_UP' }), '2026-01-01T00:00:09.000Z', 3000);
    // 0,2 are over 5 s late (missed); 4,6,8 are late but within the threshold; 10,12 are ahead.
    expect(p.fires).toEqual([
      'SCHEDULED MISFIRE fire=2026-01-01T00:00:00.000Z at=2026-01-01T00:00:09.000Z',
      'SCHEDULED MISFIRE fire=2026-01-01T00:00:02.000Z at=2026-01-01T00:00:09.000Z',
      'SCHEDULED FIXED_RATE fire=2026-01-01T00:00:04.000Z at=2026-01-01T00:00:04.000Z',
      'SCHEDULED FIXED_RATE fire=2026-01-01T00:00:06.000Z at=2026-01-01T00:00:06.000Z',
      'SCHEDULED FIXED_RATE fire=2026-01-01T00:00:08.000Z at=2026-01-01T00:00:08.000Z',
      'SCHEDULED FIXED_RATE fire=2026-01-01T00:00:10.000Z at=2026-01-01T00:00:10.000Z',
      'SCHEDULED FIXED_RATE fire=2026-01-01T00:00:12.000Z at=2026-01-01T00:00:12.000Z',
    ]);
    expect(p.next).toBe('2026-01-01T00:00:14.000Z');
  });

  it('a missed ONCE job under SKIP is recorded and disabled', () => {
    const p = plan('ONCE', '2026-01-01T00:00:00Z', job('ONCE', '2026-01-01T00:00:00.000Z', { misfirePolicy: 'SKIP' }), '2026-01-01T01:00:00.000Z');
    expect(p.fires).toEqual(['SKIPPED MISFIRE fire=2026-01-01T00:00:00.000Z at=2026-01-01T01:00:00.000Z']);
    expect(p).toMatchObject({ next: null, disable: true });
  });

  it.each([
    ['SKIP' as const, ['SKIPPED'], 'plans the next from now', '2026-01-01T00:01:01.000Z'],
    ['FIRE_ONCE' as const, ['SCHEDULED'], 'waits for the run', null],
    ['CATCH_UP' as const, ['SCHEDULED'], 'waits for the run', null],
  ])('a missed FIXED_DELAY fire under %s → %j and %s', (policy, statuses, _what, next) => {
    const p = planFires(job('FIXED_DELAY', '2026-01-01T00:00:00.000Z', { misfirePolicy: policy }), compileSchedule({ type: 'FIXED_DELAY', expression: 'PT1S', timezone: 'UTC' }), {
      now: T('2026-01-01T00:01:00.000Z'),
      lookaheadMs: 5000,
    });
    expect(p.fires.map((f) => f.status)).toEqual(statuses);
    expect(iso(p.nextFireAt)).toBe(next);
  });

  it('after a very long outage the scan is bounded and resumes at the first fire that is not late', () => {
    const started = Date.now();
    const p = planFires(job('CRON', '2026-01-01T00:00:00.000Z', { misfirePolicy: 'FIRE_ONCE' }), compileSchedule({ type: 'CRON', expression: '* * * * * ?', timezone: 'UTC' }), {
      now: T('2026-01-03T00:00:00.000Z'),
      lookaheadMs: 0,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(p.fires[0]!.reason).toContain(`${MAX_MISSED_SCAN}+ fires`);
    // The fires of the last 5 s are within the threshold, so they still run normally.
    expect(p.fires.slice(1).map((f) => `${f.triggerType} ${iso(f.fireTime)}`)).toEqual(
      ['55', '56', '57', '58', '59'].map((s) => `CRON 2026-01-02T23:59:${s}.000Z`).concat('CRON 2026-01-03T00:00:00.000Z'),
    );
    expect(iso(p.nextFireAt)).toBe('2026-01-03T00:00:01.000Z');
  });
});
