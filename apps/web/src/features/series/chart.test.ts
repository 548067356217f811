import { describe, expect, it } from 'vitest';
import type { SeriesResponse } from '@rollcall/contract/series';
import { partialFrom, toRows, valueAxis } from '../../components/TimeSeriesChart.tsx';
import { lastMinute, rangeAverage, toChartSeries } from './chart.ts';

const T0 = Date.UTC(2026, 11, 4, 12, 0, 0);
const S = 1000;
/** 15-second buckets from 12:00 to 12:03:15: no data before 12:00:30, nobody watching 12:01:00–12:01:30, the last
 * bucket still filling. */
const counts: (number | null)[] = [null, null, 30, 30, 15, 15, null, null, 30, 30, 30, 30, 30, 6];
const response: SeriesResponse = {
  from: new Date(T0).toISOString(),
  to: new Date(T0 + counts.length * 15 * S - 10 * S).toISOString(),
  step_seconds: 15,
  complete_until: new Date(T0 + (counts.length - 1) * 15 * S + 2 * S).toISOString(),
  first_data: new Date(T0 + 30 * S).toISOString(),
  baseline: null,
  series: [
    {
      key: 'kafka',
      recent: null,
      points: counts.map((c, i) => ({
        t: new Date(T0 + i * 15 * S).toISOString(),
        count: c,
        bytes: c,
        msg_per_sec: c === null ? null : c / 15,
        partial: i === counts.length - 1,
      })),
    },
  ],
};

describe('chart rows', () => {
  it('keeps the bucket still filling off the line, and gaps as gaps', () => {
    const series = toChartSeries(response);
    const rows = toRows(series);
    const last = rows.at(-1);
    // The partial bucket (6 messages so far) is not a value of the line: it would read as a drop to 0.4 msg/s.
    expect(last?.s0).toBeNull();
    expect(last?.p0).toBeCloseTo(6 / 15);
    expect(partialFrom(series)).toBe(T0 + 13 * 15 * S);
    expect(rows[0]?.s0).toBeNull();
    expect(rows[6]?.s0).toBeNull();
    expect(rows[2]?.s0).toBe(2);
  });
});

describe('the value axis', () => {
  const series = (values: (number | null)[][]) =>
    values.map((vs, i) => ({ key: `s${i}`, points: vs.map((v, t) => ({ t, v })) }));

  it('ticks on round steps up to the highest point, not on fifths of it', () => {
    // the breakdown's unionpay slice, which recharts labelled 0, 0.55, 1.1, 1.6, 2.2
    const s = series([[0.4, 2.2, null, 1.3]]);
    expect(valueAxis(toRows(s), s, false).ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
  });

  it("reaches a stack's top, and a partial bucket's value", () => {
    const s = series([
      [4, 6],
      [3, 5],
    ]);
    expect(valueAxis(toRows(s), s, true).domain).toEqual([0, 12.5]);
    expect(valueAxis(toRows(s), s, false).domain).toEqual([0, 6]);
    const partial = [
      {
        key: 'a',
        points: [
          { t: 0, v: 2 },
          { t: 1, v: 9, partial: true },
        ],
      },
    ];
    expect(valueAxis(toRows(partial), partial, false).domain[1]).toBeGreaterThanOrEqual(9);
  });
});

describe('true numbers', () => {
  it('averages over the complete buckets with data, not over the whole range', () => {
    const avg = rangeAverage(response);
    // 240 messages over the 9 complete buckets with data (135 s); the range is 200 s long.
    expect(avg.seconds).toBe(135);
    expect(avg.msg_per_sec).toBeCloseTo(240 / 135);
  });

  it('reads "now" as the last complete minute', () => {
    const now = lastMinute(response);
    expect(now.from).toBe(T0 + 2 * 60 * S);
    expect(now.msg_per_sec).toBeCloseTo(120 / 60);
  });
});
