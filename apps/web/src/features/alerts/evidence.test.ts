import { describe, expect, it } from 'vitest';
import { evidenceOf } from './evidence.ts';

describe('evidenceOf', () => {
  it('reads a window as a span, epoch and ISO times as times, and counts as counts', () => {
    const start = Date.UTC(2026, 11, 4, 14, 3);
    const details = JSON.stringify({
      window: { start, end: start + 60_000 },
      a: 480,
      b: 388,
      last_seen: '2026-12-04T14:02:10.000Z',
      since: start - 5_000,
      missing_sample: ['k1'],
      history: [10, 12, 0],
      groups: [{ name: 'fraud', lag: 12 }],
    });
    expect(evidenceOf(details)).toEqual([
      { key: 'window', label: 'Window', value: { kind: 'span', from: start, to: start + 60_000 } },
      { key: 'a', label: 'Events on a', value: { kind: 'count', n: 480 } },
      { key: 'b', label: 'Events on b', value: { kind: 'count', n: 388 } },
      { key: 'last_seen', label: 'Last seen', value: { kind: 'time', at: Date.UTC(2026, 11, 4, 14, 2, 10) } },
      { key: 'since', label: 'Since', value: { kind: 'time', at: start - 5_000 } },
      {
        key: 'history',
        label: 'Same window in past seasons',
        value: { kind: 'list', items: ['10', '12', '0'], more: 0 },
      },
      {
        key: 'groups',
        label: 'Groups',
        value: { kind: 'json', text: JSON.stringify([{ name: 'fraud', lag: 12 }], null, 2) },
      },
    ]);
  });

  it("names a ratio's sides by the streams the rule counts, keeping the letters where they do not tell them apart", () => {
    const labels = (streams: string[]) => evidenceOf({ a: 202, b: 167 }, streams).map((e) => e.label);
    expect(labels(['card.requests', 'cards'])).toEqual(['Events on card.requests', 'Events on cards']);
    expect(labels(['*', 'cards'])).toEqual(['Events on a', 'Events on b']);
    // two event types on one stream: the stream names no side
    expect(labels(['orders', 'orders'])).toEqual(['Events on a', 'Events on b']);
    expect(labels([])).toEqual(['Events on a', 'Events on b']);
  });

  it('writes fractions as they are, never rounded to a count', () => {
    expect(evidenceOf({ p_value: 1e-12, confidence: 0.99999, ratio: 0.808081 })).toEqual([
      { key: 'p_value', label: 'p-value', value: { kind: 'number', text: '1.0e-12' } },
      { key: 'confidence', label: 'Confidence required', value: { kind: 'number', text: '0.99999' } },
      { key: 'ratio', label: 'Ratio', value: { kind: 'number', text: '0.808081' } },
    ]);
  });

  it('keeps a large count that is not under a time key a count, and text that is not JSON as text', () => {
    expect(evidenceOf({ events: 2_000_000_000_000 })[0]?.value).toEqual({ kind: 'count', n: 2_000_000_000_000 });
    expect(evidenceOf('the broker said no')).toEqual([
      { key: 'details', label: 'Details', value: { kind: 'text', text: 'the broker said no' } },
    ]);
    expect(evidenceOf('{}')).toEqual([]);
    expect(evidenceOf('')).toEqual([]);
  });
});
