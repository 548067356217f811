import { describe, expect, it } from 'vitest';
import type { Alert } from './queries.ts';
import type { Evaluation } from '../rules/queries.ts';
import { alertSentence, formatPercent, formatRatio, inWords, shortNames } from './words.ts';

const alert = (over: Partial<Alert>): Alert => ({
  fingerprint: 'ab',
  rule_id: 'cards-published-per-request',
  rule_type: 'ratio',
  severity: 'critical',
  description: '',
  labels: {},
  stream: 'kafka rc.card.requests (publish) → rabbitmq rc.cards (publish)',
  watched_streams: ['rc.card.requests', 'rc.cards'],
  state: 'firing',
  active_at: '2026-01-01T00:00:00.000Z',
  firing_at: '2026-01-01T00:00:20.000Z',
  since: '2026-01-01T00:00:20.000Z',
  value: 0.9,
  threshold: 0.95,
  expected: 'between 0.95 and 1.05',
  summary: 'kafka rc.card.requests (publish) / ... missing on b',
  details: {},
  acknowledged: null,
  silenced_by: [],
  last_confirmed_at: null,
  ...over,
});

const window = (over: Partial<Evaluation>): Evaluation => ({
  at: '',
  window_start: '',
  window_end: '',
  value: 0.82,
  threshold: 0.95,
  breached: true,
  skipped: '',
  decision: 'breached',
  lo: 0.95,
  hi: 1.05,
  expected: null,
  ...over,
});

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

describe('an alert in words', () => {
  it('says how far b is below a, for how long, with the names that differ', () => {
    expect(alertSentence(alert({}), T0 + 185_000, window({ value: 0.8234 }))).toBe(
      'cards 18% below card.requests for 3 min 5 s',
    );
  });

  it('states a ratio away from 1 as the ratio, to three significant digits', () => {
    expect(alertSentence(alert({}), T0 + 40_000, window({ value: 1.5, lo: 1.9, hi: 2.1 }))).toBe(
      'cards per card.requests at 1.50, expected 1.90–2.10 for 40 s',
    );
  });

  it('compares a baseline with its usual volume and a floor with the floor', () => {
    const base = alert({ rule_type: 'baseline', watched_streams: ['rc.cards'] });
    expect(alertSentence(base, T0 + 7_200_000, window({ value: 70, expected: 100, lo: 80, hi: null }))).toBe(
      'rc.cards 30% below its usual 100 for 2 h',
    );
    expect(
      alertSentence(
        alert({ rule_type: 'volume', watched_streams: ['orders'], threshold: 200, expected: 'at least 200 per 1m' }),
        T0 + 60_000,
        window({ value: 120 }),
      ),
    ).toBe('orders at 120 per 1m, under the floor of 200 for 1 min');
  });

  it('never uses the engine’s jargon for completeness', () => {
    const sentence = alertSentence(alert({ rule_type: 'completeness' }), T0 + 60_000, window({ value: 12.5 }));
    expect(sentence).toBe('13% of card.requests messages never reached cards for 1 min');
    expect(sentence).not.toMatch(/on b\b/);
  });

  it('formats ratios, percentages and durations', () => {
    expect(formatRatio(0.82345)).toBe('0.823');
    expect(formatRatio(1)).toBe('1.00');
    expect(formatPercent(0.045)).toBe('4.5%');
    expect(formatPercent(0.003)).toBe('0.3%');
    expect(inWords(90_061_000)).toBe('1 day 1 h');
    expect(shortNames(['x.a.b', 'x.c'])).toEqual(['a.b', 'c']);
    expect(shortNames(['a', 'b'])).toEqual(['a', 'b']);
  });
});
