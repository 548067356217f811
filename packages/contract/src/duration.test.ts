import { expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

it('parses durations and refuses ones too large to count exactly in milliseconds', () => {
  expect(parseDuration('1.5h')).toBe(5_400_000);
  expect(parseDuration('1000w')).toBe(1000 * 604_800_000);
  expect(parseDuration('100000000w')).toBeUndefined();
  expect(parseDuration('9'.repeat(400) + 'd')).toBeUndefined();
  expect(parseDuration('99999999999d')).toBeUndefined();
  expect(parseDuration('soon')).toBeUndefined();
});

it('formats a limit in the largest exact unit', () => {
  expect(formatDuration(30 * 86_400_000)).toBe('30d');
  expect(formatDuration(90_000)).toBe('90s');
  expect(formatDuration(1500)).toBe('1500ms');
});
