import { describe, expect, it } from 'vitest';
import { createCountTally, type Counted } from './row-formats.ts';

const MINUTE = 60_000;

describe('createCountTally', () => {
  it('counts interleaved groups exactly, more of them than it checks field by field, in a reused object', () => {
    const t0 = Date.UTC(2026, 11, 6, 3, 0);
    const types = Array.from({ length: 12 }, (_, i) => `Type${i}`);
    const scratch: Counted = {
      ...{ partition: 0, queue: '', broker: 'kafka', cluster: 'local', stream: 's', kind: 'publish' },
      ...{ event_type: '', source: '', offset: 0, size: 0, observed_at: 0, broker_ts: 0, key_hash: 0 },
    };
    const expected = new Map<string, number>();
    const tally = createCountTally();
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let offset = 0; offset < 5000; offset++) {
      // a few types most of the time, now and then one of many, across two minutes and two sources
      const type = types[random() < 0.9 ? Math.floor(random() * 3) : Math.floor(random() * types.length)] ?? '';
      const at = t0 + Math.floor((offset / 5000) * 2 * MINUTE);
      const source = random() < 0.5 ? 'a' : 'b';
      Object.assign(scratch, { event_type: type, source, offset, size: 10, observed_at: at, broker_ts: at });
      tally.add(scratch);
      const key = `${at - (at % MINUTE)} ${type} ${source}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const counted = new Map(tally.counts().map((c) => [`${c.minute} ${c.event_type} ${c.source}`, c.count]));
    expect(counted).toEqual(expected);
    expect(tally.messages()).toBe(5000);
    expect(tally.groups()).toBe(expected.size);
  });
});
