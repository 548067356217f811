// Active hours and days in a time zone. A window is judged only when all of it lies inside the schedule:
// the first window after 08:00 would otherwise count the quiet night before it and raise a false alarm.
import type { Schedule } from './rule.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY_INDEX: Record<string, string> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

function localParts(ms: number, timeZone: string): { day: string; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]));
  return { day: DAY_INDEX[parts.weekday ?? ''] ?? '', minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isActive(schedule: Schedule | undefined, ms: number): boolean {
  if (!schedule) return true;
  const { day, minute } = localParts(ms, schedule.timezone);
  const [from = '00:00', to = '24:00'] = schedule.hours.split('-');
  const start = toMinute(from);
  const end = toMinute(to);
  // 22:00-06:00 wraps midnight; the part after midnight belongs to the day the range started on.
  if (start <= end) return schedule.days.includes(day as Schedule['days'][number]) && minute >= start && minute < end;
  if (minute >= start) return schedule.days.includes(day as Schedule['days'][number]);
  const yesterday = localParts(ms - 86_400_000, schedule.timezone).day;
  return minute < end && schedule.days.includes(yesterday as Schedule['days'][number]);
}

const MINUTE = 60_000;

/** True when every minute of [start, end) is inside the schedule (schedules have minute resolution). */
export function windowActive(schedule: Schedule | undefined, start: number, end: number): boolean {
  if (!schedule) return true;
  if (!isActive(schedule, start) || !isActive(schedule, end - 1)) return false;
  for (let t = Math.ceil(start / MINUTE) * MINUTE; t < end; t += MINUTE) if (!isActive(schedule, t)) return false;
  return true;
}
