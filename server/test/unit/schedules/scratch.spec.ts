import { it } from 'vitest';
import { compileSchedule, formatInZone } from '../../../src/modules/schedules/core/schedule.js';
const show = (expr: string, tz: string, from: string, n = 6) => {
  const s = compileSchedule({ type: 'CRON', expression: expr, timezone: tz });
  let t: Date | null = new Date(from); const out: string[] = [];
  for (let i = 0; i < n && t; i++) { t = s.nextAfter(t); if (t) out.push(t.toISOString() + ' ' + formatInZone(t, tz)); }
  console.log(expr, tz, '\n  ' + out.join('\n  '));
};
it('scratch', () => {
  show('0 30 2 * * ?', 'Europe/Berlin', '2026-03-27T00:00:00Z', 4);
  show('0 */15 * * * ?', 'Europe/Berlin', '2026-03-29T00:20:00Z', 8);
  show('0 30 2 * * ?', 'Europe/Berlin', '2026-10-23T00:00:00Z', 4);
  show('0 */30 * * * ?', 'Europe/Berlin', '2026-10-24T23:50:00Z', 8);
  show('0 0 0 L 2 ?', 'UTC', '2026-01-01T00:00:00Z', 4);
  show('0 0 0 ? 2 MON#5', 'UTC', '2026-01-01T00:00:00Z', 2);
  show('0 0 12 LW * ?', 'America/New_York', '2026-01-01T00:00:00Z', 4);
  show('0 0 0 30 2 ?', 'UTC', '2026-01-01T00:00:00Z', 2);
  const s = compileSchedule({ type: 'CRON', expression: '0 0 0 ? 2 MON#5', timezone: 'Europe/Berlin' });
  let t0 = performance.now(); for (let i = 0; i < 100; i++) s.nextAfter(new Date(Date.UTC(2026,0,1) + i * 1000)); console.log('mon#5 ms', (performance.now()-t0)/100);
  const s2 = compileSchedule({ type: 'CRON', expression: '0 0 0 30 2 ?', timezone: 'Europe/Berlin' });
  t0 = performance.now(); for (let i = 0; i < 100; i++) s2.nextAfter(new Date(Date.UTC(2026,0,1) + i * 1000)); console.log('feb30 ms', (performance.now()-t0)/100);
  const s3 = compileSchedule({ type: 'CRON', expression: '*/5 * * * * ?', timezone: 'America/New_York' });
  t0 = performance.now(); let d = new Date(Date.UTC(2026,0,1)); for (let i = 0; i < 10000; i++) d = s3.nextAfter(d)!; console.log('every5s us', (performance.now()-t0)/10000*1000);
  const s4 = compileSchedule({ type: 'CRON', expression: '0 0 0 1 1 ? 2199', timezone: 'Australia/Lord_Howe' });
  t0 = performance.now(); console.log(s4.nextAfter(new Date(Date.UTC(2026,0,1)))?.toISOString()); console.log('2199 ms', (performance.now()-t0));
});
