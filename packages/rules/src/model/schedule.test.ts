import { describe, expect, it } from 'vitest';
import { scheduleSchema } from './rule.ts';
import { isActive, windowActive } from './schedule.ts';

const jakartaOffice = scheduleSchema.parse({
  timezone: 'Asia/Jakarta',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  hours: '08:00-22:00',
});
// Monday 2026-11-23 in Jakarta (UTC+7): 08:00 local is 01:00Z.
const at = (iso: string) => Date.parse(iso);

describe('schedule', () => {
  it('follows the hours and days in the rule’s time zone', () => {
    expect(isActive(jakartaOffice, at('2026-11-23T00:59:00Z'))).toBe(false); // 07:59 Monday
    expect(isActive(jakartaOffice, at('2026-11-23T01:00:00Z'))).toBe(true); // 08:00 Monday
    expect(isActive(jakartaOffice, at('2026-11-23T14:59:00Z'))).toBe(true); // 21:59
    expect(isActive(jakartaOffice, at('2026-11-23T15:00:00Z'))).toBe(false); // 22:00
    expect(isActive(jakartaOffice, at('2026-11-28T03:00:00Z'))).toBe(false); // Saturday 10:00
  });

  it('judges a window only when all of it is inside the schedule', () => {
    expect(windowActive(jakartaOffice, at('2026-11-23T00:56:00Z'), at('2026-11-23T01:01:00Z'))).toBe(false);
    expect(windowActive(jakartaOffice, at('2026-11-23T01:00:00Z'), at('2026-11-23T01:05:00Z'))).toBe(true);
    expect(windowActive(jakartaOffice, at('2026-11-23T14:56:00Z'), at('2026-11-23T15:01:00Z'))).toBe(false);
  });

  it('lets a night range wrap past midnight, on the days it starts', () => {
    const nights = scheduleSchema.parse({ timezone: 'UTC', days: ['fri'], hours: '22:00-06:00' });
    expect(isActive(nights, at('2026-11-27T23:00:00Z'))).toBe(true); // Friday 23:00
    expect(isActive(nights, at('2026-11-28T05:59:00Z'))).toBe(true); // Saturday 05:59, Friday's night
    expect(isActive(nights, at('2026-11-28T06:00:00Z'))).toBe(false);
    expect(isActive(nights, at('2026-11-28T23:00:00Z'))).toBe(false); // Saturday night
  });

  it('is always active without a schedule', () => {
    expect(windowActive(undefined, 0, 86_400_000)).toBe(true);
  });
});
