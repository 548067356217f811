import { describe, expect, it } from 'vitest';
import {
  changeSchema,
  consumerDelay,
  describeFault,
  faultFor,
  faultTableSchema,
  planPublish,
  type Fault,
} from './faults.ts';

/** A random source that replays fixed values, so each decision is known. */
const replay = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

const data = { authorization_id: 'a-1', network: 'visa', amount: 12.5 };

describe('planPublish', () => {
  it('publishes once, unchanged, with no fault', () => {
    expect(planPublish(undefined, data, replay(0))).toEqual({ copies: 1, delayMs: 0, data });
  });

  it('drops the share asked for: below the share is dropped, at or above it is sent', () => {
    const fault: Fault = { drop: 0.4 };
    expect(planPublish(fault, data, replay(0.39)).copies).toBe(0);
    expect(planPublish(fault, data, replay(0.4)).copies).toBe(1);
    const random = replay(...Array.from({ length: 1000 }, (_, i) => i / 1000));
    const dropped = Array.from({ length: 1000 }, () => planPublish(fault, data, random).copies).filter(
      (c) => c === 0,
    ).length;
    expect(dropped).toBe(400);
  });

  it('stop publishes nothing at all', () => {
    expect(planPublish({ stop: true }, data, replay(0.99)).copies).toBe(0);
  });

  it('duplicates the share asked for as two copies of the same payload', () => {
    expect(planPublish({ duplicate: 0.1 }, data, replay(0.05))).toEqual({ copies: 2, delayMs: 0, data });
    expect(planPublish({ duplicate: 0.1 }, data, replay(0.5)).copies).toBe(1);
  });

  it('carries the delay and the schema change', () => {
    const plan = planPublish({ delay_ms: 1500, schema: { rename: { from: 'amount', to: 'value' } } }, data, replay(0));
    expect(plan).toEqual({ copies: 1, delayMs: 1500, data: { authorization_id: 'a-1', network: 'visa', value: 12.5 } });
  });

  it('touches only messages whose payload matches `when`', () => {
    const fault: Fault = { stop: true, when: { network: 'visa' } };
    expect(planPublish(fault, data, replay(0)).copies).toBe(0);
    expect(planPublish(fault, { ...data, network: 'amex' }, replay(0)).copies).toBe(1);
    expect(planPublish(fault, { authorization_id: 'no network' }, replay(0)).copies).toBe(1);
  });
});

describe('changeSchema', () => {
  it('renames a field in place of the old one and leaves the input alone', () => {
    const out = changeSchema(data, { rename: { from: 'network', to: 'card_network' } });
    expect(out).toEqual({ authorization_id: 'a-1', card_network: 'visa', amount: 12.5 });
    expect(data.network).toBe('visa');
  });

  it('removes a field, and is a no-op for a field the payload does not have', () => {
    expect(changeSchema(data, { remove: 'amount' })).toEqual({ authorization_id: 'a-1', network: 'visa' });
    expect(changeSchema(data, { remove: 'missing' })).toBe(data);
  });
});

describe('fault lookup and consumer slowdown', () => {
  it('an event type’s own entry wins over `*`', () => {
    const table = { '*': { drop: 1 }, FraudScored: { duplicate: 1 } };
    expect(faultFor(table, 'FraudScored')).toEqual({ duplicate: 1 });
    expect(faultFor(table, 'CardAuthorized')).toEqual({ drop: 1 });
    expect(faultFor({}, 'CardAuthorized')).toBeUndefined();
  });

  it('slows only matching messages', () => {
    expect(consumerDelay({ slow_consumer_ms: 250, when: { network: 'visa' } }, data)).toBe(250);
    expect(consumerDelay({ slow_consumer_ms: 250, when: { network: 'amex' } }, data)).toBe(0);
    expect(consumerDelay({ drop: 0.5 }, data)).toBe(0);
  });

  it('describes a fault for people', () => {
    expect(describeFault('CardAuthorized', { drop: 0.4, when: { network: 'visa' } })).toBe(
      'CardAuthorized: drops 40% (only network=visa)',
    );
    expect(describeFault('*', { stop: true })).toBe('every event type: publishes none');
  });
});

describe('faultTableSchema', () => {
  const schema = faultTableSchema(['CardAuthorized', 'FraudScored']);
  const issues = (input: unknown) => {
    const r = schema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts every switch', () => {
    const table = {
      CardAuthorized: {
        drop: 0.4,
        stop: false,
        duplicate: 0.1,
        delay_ms: 2000,
        schema: { remove: 'amount' },
        slow_consumer_ms: 100,
        when: { network: 'visa' },
      },
      '*': { duplicate: 0.01 },
    };
    expect(schema.parse(table)).toEqual(table);
  });

  it('names the field and says what was expected', () => {
    expect(issues({ CardAuthorized: { drop: 1.5 } })).toEqual([
      'CardAuthorized.drop: expected the share of messages to drop, a number from 0 to 1',
    ]);
    expect(issues({ CardAuthorized: { delay_ms: -1 } })).toEqual([
      'CardAuthorized.delay_ms: expected a delay of at least 0 ms',
    ]);
    expect(issues({ CardAuthorized: { schema: { rename: { from: 'a' } } } })[0]).toMatch(
      /^CardAuthorized\.schema: expected \{"rename"/,
    );
    expect(issues({ CardAuthorized: { dropp: 0.4 } })[0]).toMatch(/^CardAuthorized: .*dropp/);
    expect(issues({ CardDeclined: { drop: 0.4 } })).toEqual([
      'CardDeclined: unknown event type; expected one of CardAuthorized, FraudScored, *',
    ]);
    expect(issues([1])[0]).toMatch(/expected an object of event type → fault/);
  });
});
