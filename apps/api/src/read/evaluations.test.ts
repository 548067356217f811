import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '@rollcall/rules/files';
import { bandOf, decisionOf, evaluationIdOf, watchedStreams } from './evaluations.ts';

const [ratio, floor, baseline, both, rises, sliced] = parseRuleFile(
  `rules:
  - { id: r, type: ratio, a: { broker: kafka, stream: x.requests }, b: { broker: rabbitmq, stream: x.cards }, lo: 0.95, hi: 1.05, window: 10s, every: 5s }
  - { id: v, type: volume, match: { broker: kafka, stream: orders }, min: 100, window: 1m, every: 1m }
  - { id: b, type: baseline, match: { broker: kafka, stream: orders }, drop: 20, window: 1m, every: 1m }
  - { id: bb, type: baseline, match: { broker: kafka, stream: orders }, drop: 20, rise: 50, window: 1m, every: 1m }
  - { id: br, type: baseline, match: { broker: kafka, stream: orders }, rise: 50, window: 1m, every: 1m }
  - { id: s, type: volume, match: { broker: kafka, stream: orders }, min: 1, group_by: event_type, window: 1m, every: 1m }
`,
  'test.yaml',
);

describe('the band a window was held to', () => {
  it("is a ratio's lo–hi, judged or not, so the band draws unbroken", () => {
    expect(bandOf(ratio, 0.95, true)).toEqual({ lo: 0.95, hi: 1.05, expected: null });
    expect(bandOf(ratio, 0, false)).toEqual({ lo: 0.95, hi: 1.05, expected: null });
  });

  it("is a baseline's range around the median the stored threshold gives back", () => {
    // drop 20%: the floor 80 stands for a median of 100
    expect(bandOf(baseline, 80, true)).toEqual({ lo: 80, hi: null, expected: 100 });
    expect(bandOf(both, 80, true)).toEqual({ lo: 80, hi: 150, expected: 100 });
    expect(bandOf(rises, 150, true)).toEqual({ lo: null, hi: 150, expected: 100 });
    expect(bandOf(baseline, 0, false)).toEqual({ lo: null, hi: null, expected: null });
  });

  it('is none for a floor or ceiling (the threshold line says it) and for an unknown rule', () => {
    expect(bandOf(floor, 100, true)).toEqual({ lo: null, hi: null, expected: null });
    expect(bandOf(undefined, 100, true)).toEqual({ lo: null, hi: null, expected: null });
  });
});

describe('evaluation rows', () => {
  it('name a slice "<rule>/<key>=<value>" and the rule itself by its id', () => {
    expect(evaluationIdOf(sliced, 's', { team: 'shop', event_type: 'OrderPlaced' })).toBe('s/event_type=OrderPlaced');
    expect(evaluationIdOf(floor, 'v', { event_type: 'OrderPlaced' })).toBe('v');
    expect(evaluationIdOf(undefined, 'gone', {})).toBe('gone');
  });

  it('tell their decision from breached and skipped', () => {
    expect(decisionOf(true, '')).toBe('breached');
    expect(decisionOf(false, '')).toBe('clean');
    expect(decisionOf(false, 'not watched: kafka tap down')).toBe('not watched');
    expect(decisionOf(false, 'waiting: kafka tap behind')).toBe('waiting');
    expect(decisionOf(false, 'no events on a')).toBe('skipped');
    // as ratio and baseline windows say it (packages/rules' significance tests make them say it)
    expect(decisionOf(false, 'is below 0.95, but not significant (p = 0.0031, confidence 0.99999)')).toBe(
      'not significant',
    );
    expect(decisionOf(false, 'past the drop bound, but not significant (p = 0.2, confidence 0.999)')).toBe(
      'not significant',
    );
  });

  it("list a rule's streams, a before b", () => {
    expect(watchedStreams(ratio)).toEqual(['x.requests', 'x.cards']);
    expect(watchedStreams(floor)).toEqual(['orders']);
  });
});
