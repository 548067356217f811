import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '@rollcall/core/log';
import { newEvent, type CloudEvent } from './cloudevents.ts';
import { createTraffic } from './traffic.ts';

const replay = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

describe('traffic', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const event = (type = 'CardAuthorized', data: Record<string, unknown> = { network: 'visa', amount: 1 }) =>
    newEvent(type, 'card-service', 'auth-1', data);

  it('sends through the faults and counts published, dropped and duplicated per event type', async () => {
    const traffic = createTraffic({
      eventTypes: ['CardAuthorized', 'FraudScored'],
      log: silentLogger,
      random: replay(0.1, 0.9),
    });
    const sent: CloudEvent[] = [];
    const send = async (e: CloudEvent) => {
      sent.push(e);
    };
    traffic.setFault('CardAuthorized', { drop: 0.5 });
    traffic.setFault('FraudScored', { duplicate: 0.5 });
    for (let i = 0; i < 4; i++) await traffic.publish(event(), send); // randoms 0.1, 0.9, 0.1, 0.9: drop, send, drop, send
    await traffic.publish(event('FraudScored'), send); // 0.1 < 0.5: twice
    expect(traffic.counters()).toEqual({
      CardAuthorized: { published: 2, consumed: 0, dropped: 2, duplicated: 0 },
      FraudScored: { published: 2, consumed: 0, dropped: 0, duplicated: 1 },
    });
    const [first, second] = sent.filter((e) => e.type === 'FraudScored');
    expect(second?.id).toBe(first?.id);
  });

  it('hands the transport the changed payload', async () => {
    const traffic = createTraffic({ eventTypes: ['CardAuthorized'], log: silentLogger });
    traffic.setFaults({ CardAuthorized: { schema: { rename: { from: 'amount', to: 'value' } } } });
    const sent: CloudEvent[] = [];
    await traffic.publish(event(), async (e) => {
      sent.push(e);
    });
    expect(sent.map((e) => e.data)).toEqual([{ network: 'visa', value: 1 }]);
  });

  it('a delay holds each message back without holding up the caller, and close drops what is still held', async () => {
    vi.useFakeTimers();
    const traffic = createTraffic({ eventTypes: ['CardAuthorized'], log: silentLogger });
    traffic.setFaults({ CardAuthorized: { delay_ms: 1000 } });
    const sent: number[] = [];
    const send = async () => {
      sent.push(Date.now());
    };
    const start = Date.now();
    await traffic.publish(event(), send);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([start + 1000]);
    await traffic.publish(event(), send);
    traffic.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(1);
    expect(traffic.counters().CardAuthorized).toEqual({ published: 1, consumed: 0, dropped: 1, duplicated: 0 });
  });

  it('a consumer slowdown stalls each matching message before it is counted', async () => {
    vi.useFakeTimers();
    const traffic = createTraffic({ eventTypes: ['CardAuthorized'], log: silentLogger });
    traffic.setFaults({ CardAuthorized: { slow_consumer_ms: 300, when: { network: 'visa' } } });
    let done = false;
    const consuming = traffic.consume(event()).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(299);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await consuming;
    await traffic.consume(event('CardAuthorized', { network: 'amex' })); // not slowed: resolves without timers
    expect(traffic.counters().CardAuthorized?.consumed).toBe(2);
  });

  it('returns copies of its table, so a caller cannot change faults behind its back', () => {
    const traffic = createTraffic({ eventTypes: ['CardAuthorized'], log: silentLogger });
    traffic.setFaults({ CardAuthorized: { drop: 0.2 } });
    const table = traffic.faults();
    delete table.CardAuthorized;
    expect(traffic.faults()).toEqual({ CardAuthorized: { drop: 0.2 } });
    traffic.setFault('CardAuthorized', undefined);
    expect(traffic.faults()).toEqual({});
  });

  it('settles once nothing has moved for the quiet period, or gives up at the limit', async () => {
    vi.useFakeTimers();
    const traffic = createTraffic({ eventTypes: ['CardAuthorized'], log: silentLogger });
    let settled = false;
    const settling = traffic.settled(300, 3000).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(200);
    await traffic.consume(event()); // activity: the quiet period starts again
    await vi.advanceTimersByTimeAsync(250);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    await settling;
    expect(settled).toBe(true);

    const busy = setInterval(() => void traffic.consume(event()), 100);
    const start = Date.now();
    await Promise.all([traffic.settled(300, 1000), vi.advanceTimersByTimeAsync(1100)]);
    clearInterval(busy);
    expect(Date.now() - start).toBeGreaterThanOrEqual(1000);
  });
});
