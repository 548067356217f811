// The order saga against the real Kafka, through Rollcall's real tap into the store: every order ends closed or
// compensated, each step from its own service under the order id; a slowed payment consumer and a stopped
// delivery step change the traffic as described.
import { describe, expect, it } from 'vitest';
import { uniqueName } from '@rollcall/core/testing/brokers';
import { ORDER_SAGA_EVENT_TYPES, ORDER_SAGA_NAMES, startOrderSaga } from '@rollcall/pilots/order-saga';
import { prefixNames } from '@rollcall/pilots/pilot';
import type { FaultTable } from '@rollcall/pilots/faults';
import { eventsIn, faultWindow, kafkaBrokers, log, pilotUnderTest, settledRows, type EventRow } from './harness.ts';

const prefix = uniqueName('rc-saga');
const names = prefixNames(ORDER_SAGA_NAMES, `${prefix}.`);
const streams = [names.orders, names.payments, names.stock, names.delivery];
const HAPPY = 'OrderPlaced PaymentCompleted StockDecreased DeliveryStarted OrderClosed';
const DECLINED = 'OrderPlaced PaymentFailed OrderCancelled';
const OUT_OF_STOCK = 'OrderPlaced PaymentCompleted StockFailed PaymentCancelled OrderCancelled';
/** A saga's steps sort in the order the pilot declares its event types. */
const ORDER: readonly string[] = ORDER_SAGA_EVENT_TYPES;

const sagas = (rows: EventRow[]) => {
  const out = new Map<string, EventRow[]>();
  for (const r of rows) out.set(r.correlation_id, [...(out.get(r.correlation_id) ?? []), r]);
  return [...out.values()];
};
const shape = (saga: EventRow[]) =>
  saga
    .map((r) => r.event_type)
    .sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))
    .join(' ');
const placed = (saga: EventRow[]) => saga.find((r) => r.event_type === 'OrderPlaced');
const step = (saga: EventRow[], type: string) => saga.filter((r) => r.event_type === type);

describe('order saga pilot', () => {
  const run = pilotUnderTest({ prefix, topics: streams }, () =>
    startOrderSaga({ kafkaBrokers, ratePerSecond: 8, log, names, failures: { payment: 0.15, stock: 0.15 } }),
  );

  async function during(faults: FaultTable, ms: number, tail: number): Promise<EventRow[][]> {
    const { from, to } = await faultWindow(run, streams, faults, ms, 3000);
    return sagas(await eventsIn(run.h, streams)).filter((s) => {
      const at = placed(s)?.broker_ts ?? 0;
      return at >= from + 200 && at <= to - tail;
    });
  }

  it(
    'every order ends closed or cancelled with its compensation, each step from its service',
    { timeout: 40_000 },
    async () => {
      const { rows, cut } = await settledRows(
        run,
        streams,
        (c) => (c.OrderClosed ?? 0) >= 30 && (c.PaymentCancelled ?? 0) >= 2 && (c.PaymentFailed ?? 0) >= 2,
        'sagas to end every way',
      );
      expect(new Set(rows.map((r) => `${r.event_type} ${r.stream} ${r.source}`))).toEqual(
        new Set([
          `OrderPlaced ${names.orders} order-service`,
          `PaymentCompleted ${names.payments} payment-service`,
          `PaymentFailed ${names.payments} payment-service`,
          `StockDecreased ${names.stock} stock-service`,
          `StockFailed ${names.stock} stock-service`,
          `PaymentCancelled ${names.payments} payment-service`,
          `DeliveryStarted ${names.delivery} delivery-service`,
          `OrderClosed ${names.orders} order-service`,
          `OrderCancelled ${names.orders} order-service`,
        ]),
      );
      const settled = sagas(rows).filter((s) => (placed(s)?.broker_ts ?? Infinity) < cut);
      expect(settled.length).toBeGreaterThanOrEqual(30);
      for (const saga of settled) {
        expect([HAPPY, DECLINED, OUT_OF_STOCK]).toContain(shape(saga));
        expect(saga[0]?.correlation_id).toMatch(/^ord-[0-9a-f-]{36}$/);
        expect(new Set(saga.map((r) => r.trace_id)).size).toBe(1);
      }
      expect(new Set(settled.map(shape))).toEqual(new Set([HAPPY, DECLINED, OUT_OF_STOCK]));
    },
  );

  it('a slowed payment consumer answers each order later', { timeout: 30_000 }, async () => {
    const inside = await during({ OrderPlaced: { slow_consumer_ms: 300 } }, 5000, 2500);
    expect(inside.length).toBeGreaterThanOrEqual(10);
    for (const saga of inside) {
      const answer = [...step(saga, 'PaymentCompleted'), ...step(saga, 'PaymentFailed')];
      expect(answer).toHaveLength(1);
      expect((answer[0]?.broker_ts ?? 0) - (placed(saga)?.broker_ts ?? 0)).toBeGreaterThanOrEqual(300);
    }
  });

  it('a stopped delivery step leaves paid orders open, and compensation still runs', { timeout: 30_000 }, async () => {
    const inside = await during({ DeliveryStarted: { stop: true } }, 4000, 1500);
    expect(inside.length).toBeGreaterThanOrEqual(15);
    const picked = inside.filter((s) => step(s, 'StockDecreased').length === 1);
    expect(picked.length).toBeGreaterThanOrEqual(5);
    for (const saga of picked) expect([step(saga, 'DeliveryStarted'), step(saga, 'OrderClosed')]).toEqual([[], []]);
    for (const saga of inside.filter((s) => step(s, 'PaymentFailed').length || step(s, 'StockFailed').length))
      expect(step(saga, 'OrderCancelled')).toHaveLength(1);
    expect(run.pilot.traffic.counters().DeliveryStarted?.dropped).toBeGreaterThanOrEqual(picked.length);
  });
});
