import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatChange,
  formatCount,
  formatDuration,
  formatNumber,
  formatProbability,
  formatRate,
  formatSeconds,
  formatTick,
  formatTime,
  formatUtc,
  mergeSpans,
} from './format.ts';

describe('formatNumber', () => {
  it('keeps small numbers readable and shortens large ones with SI suffixes', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.42)).toBe('0.42');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(12.34)).toBe('12.3');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(1234)).toBe('1.2k');
    expect(formatNumber(34_567)).toBe('35k');
    expect(formatNumber(999_999)).toBe('1.0M');
    expect(formatNumber(5_600_000)).toBe('5.6M');
    expect(formatNumber(-1500)).toBe('−1.5k');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatRate(1234)).toBe('1.2k msg/s');
    expect(formatRate(null)).toBe('–');
  });
});

describe('formatCount', () => {
  it('never rounds a count away', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatCount(undefined)).toBe('–');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MiB');
  });
});

describe('formatDuration', () => {
  it('shows the two largest units', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(192_000)).toBe('3m 12s');
    expect(formatDuration(180_000)).toBe('3m');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000 + 7000)).toBe('2h 5m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3600_000)).toBe('3d 4h');
    expect(formatDuration(-5)).toBe('0s');
  });
});

describe('formatSeconds', () => {
  it('keeps a fraction of a second below ten seconds', () => {
    expect([0, 0.2, 0.45, 1, 1.25, 9.5, 12.7, 192].map(formatSeconds)).toEqual([
      '0s',
      '200ms',
      '450ms',
      '1s',
      '1.3s',
      '9.5s',
      '12s',
      '3m 12s',
    ]);
    expect(formatSeconds(null)).toBe('–');
  });
});

describe('formatProbability', () => {
  it('says a chance as a percentage, or as one in so many when it is small', () => {
    expect([0.5, 0.234, 0.004, 2.5e-7, 1e-12].map(formatProbability)).toEqual([
      '50%',
      '23%',
      '1 in 250',
      '1 in 4,000,000',
      'under 1 in a billion',
    ]);
  });
});

describe('formatChange', () => {
  it('signs the change against the baseline', () => {
    expect(formatChange(-0.234)).toBe('−23%');
    expect(formatChange(0.052)).toBe('+5.2%');
    expect(formatChange(0)).toBe('0%');
    expect(formatChange(null)).toBe('–');
  });
});

describe('times', () => {
  it('shows local time, the date only when it is not today, and UTC on hover', () => {
    const now = new Date(2026, 10, 23, 15, 0, 0);
    expect(formatTime(new Date(2026, 10, 23, 9, 5, 3), now)).toBe('09:05:03');
    expect(formatTime(new Date(2026, 10, 20, 9, 5, 3), now)).toBe('2026-11-20 09:05:03');
    expect(formatUtc('2026-11-23T12:34:56.789Z')).toBe('2026-11-23 12:34:56 UTC');
    expect(formatTime('garbage')).toBe('–');
  });

  it('picks axis tick labels for the span', () => {
    const at = new Date(2026, 10, 23, 9, 5).getTime();
    expect(formatTick(at + 7000, 300_000)).toBe('09:05:07');
    expect(formatTick(at, 3600_000)).toBe('09:05');
    expect(formatTick(at, 3 * 86_400_000)).toBe('11-23 09:05');
    expect(formatTick(at, 30 * 86_400_000)).toBe('11-23');
  });
});

describe('mergeSpans', () => {
  it('joins overlapping spans and keeps separate ones apart', () => {
    expect(
      mergeSpans([
        { from: 10, to: 20 },
        { from: 0, to: 5 },
        { from: 15, to: 30 },
        { from: 30, to: 35 },
        { from: 40, to: 50 },
      ]),
    ).toEqual([
      { from: 0, to: 5 },
      { from: 10, to: 35 },
      { from: 40, to: 50 },
    ]);
  });
});

describe('formatRatio, formatPercent, formatDurationWords', () => {
  it('gives ratios three significant digits, percentages a % sign, and durations words', async () => {
    const { formatDurationWords, formatPercent, formatRatio } = await import('./format.ts');
    expect(formatRatio(0.82345)).toBe('0.823');
    expect(formatRatio(1.0512)).toBe('1.05');
    expect(formatRatio(12.345)).toBe('12.3');
    expect(formatRatio(-0.5)).toBe('−0.5');
    expect(formatRatio(null)).toBe('–');
    expect(formatPercent(0.1823)).toBe('18.2%');
    expect(formatPercent(-0.4)).toBe('−40%');
    expect(formatPercent(1.2345)).toBe('123%');
    expect(formatDurationWords(45_000)).toBe('45 seconds');
    expect(formatDurationWords(180_000)).toBe('3 minutes');
    expect(formatDurationWords(3_900_000)).toBe('1 hour 5 minutes');
    expect(formatDurationWords(60_000)).toBe('1 minute');
  });
});
