import { describe, expect, it } from 'vitest';
import { timeTicks } from './time-ticks.ts';

const at = (hms: string) => new Date(`2026-12-06T${hms}`).getTime(); // local time, as the axis prints it
const label = (t: number) => new Date(t).toTimeString().slice(0, 8);

describe('time axis ticks', () => {
  it('are evenly spaced on round local minutes, as many as fit', () => {
    // the stream page's 15 minutes that recharts labelled 11:11, 11:13, 11:15, 11:18, 11:20, 11:22, 11:24
    expect(timeTicks(at('11:09:13'), at('11:24:40'), 8).map(label)).toEqual(
      ['11:10', '11:12', '11:14', '11:16', '11:18', '11:20', '11:22', '11:24'].map((m) => `${m}:00`),
    );
    expect(timeTicks(at('11:09:13'), at('11:24:40'), 4).map(label)).toEqual(['11:10:00', '11:15:00', '11:20:00']);
  });

  it('step in seconds over a short span and in hours over a day', () => {
    expect(timeTicks(at('10:00:03'), at('10:01:00'), 6).map(label)).toEqual(
      ['00:10', '00:20', '00:30', '00:40', '00:50', '01:00'].map((s) => `10:${s}`),
    );
    const day = timeTicks(at('00:30:00'), at('00:30:00') + 24 * 3600_000, 8);
    expect(day.map(label)).toEqual([
      '03:00:00',
      '06:00:00',
      '09:00:00',
      '12:00:00',
      '15:00:00',
      '18:00:00',
      '21:00:00',
      '00:00:00',
    ]);
    for (let i = 1; i < day.length; i++) expect((day[i] ?? 0) - (day[i - 1] ?? 0)).toBe(3 * 3600_000);
  });

  it('are none for an empty or single-instant span', () => {
    expect(timeTicks(5, 5, 6)).toEqual([]);
    expect(timeTicks(10, 5, 6)).toEqual([]);
  });
});
