import { describe, expect, it } from 'vitest';
import { globMatches, ruleWatches } from './watch.ts';
import { ruleSchema } from './rule.ts';

describe('globMatches', () => {
  it('treats * and ? as wildcards and everything else literally', () => {
    expect(globMatches('card.*', 'card.requests')).toBe(true);
    expect(globMatches('card.*', 'cardXrequests')).toBe(false);
    expect(globMatches('orders.v?', 'orders.v2')).toBe(true);
    expect(globMatches('orders.v?', 'orders.v10')).toBe(false);
    expect(globMatches('a+b', 'a+b')).toBe(true);
    expect(globMatches('a+b', 'aab')).toBe(false);
  });
});

describe('ruleWatches', () => {
  const ratio = ruleSchema.parse({
    id: 'r',
    type: 'ratio',
    a: { broker: 'rabbitmq', stream: 'cards' },
    b: { broker: 'kafka', stream: 'fraud.*' },
    lo: 0.9,
    hi: 1.1,
  });
  it('covers the streams of both sides of a ratio and nothing else', () => {
    expect(ruleWatches(ratio, 'rabbitmq', 'cards')).toBe(true);
    expect(ruleWatches(ratio, 'kafka', 'fraud.scores')).toBe(true);
    expect(ruleWatches(ratio, 'kafka', 'cards')).toBe(false);
    expect(ruleWatches(ratio, 'rabbitmq', 'orders')).toBe(false);
  });
});
