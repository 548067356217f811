// Order saga pilot, a choreography on Kafka with compensation. The order id is the correlation id.
//   OrderPlaced → PaymentCompleted → StockDecreased → DeliveryStarted → OrderClosed
//   payment declined:  PaymentFailed → OrderCancelled
//   out of stock:      StockFailed → PaymentCancelled (refund) → OrderCancelled
import { newId, oneOf } from './chance.ts';
import { newEvent, type CloudEvent } from './cloudevents.ts';
import type { Payload } from './faults.ts';
import { connectPilotKafka, kafkaPilot } from './kafka.ts';
import { startPace } from './pace.ts';
import type { Pilot, PilotOptions } from './pilot.ts';
import { createTraffic } from './traffic.ts';

export const ORDER_SAGA_NAMES = {
  orders: 'saga.orders',
  payments: 'saga.payments',
  stock: 'saga.stock',
  delivery: 'saga.delivery',
  orderGroup: 'order-service',
  paymentGroup: 'payment-service',
  stockGroup: 'stock-service',
  deliveryGroup: 'delivery-service',
};
export type OrderSagaNames = typeof ORDER_SAGA_NAMES;

export const ORDER_SAGA_EVENT_TYPES = [
  'OrderPlaced',
  'PaymentCompleted',
  'PaymentFailed',
  'StockDecreased',
  'StockFailed',
  'PaymentCancelled',
  'DeliveryStarted',
  'OrderClosed',
  'OrderCancelled',
] as const;

/** Default orders per second. */
export const ORDER_SAGA_RATE = 1.5;

/** Shares of sagas that take a compensation path: declined payments and items out of stock. */
export interface SagaFailures {
  payment: number;
  stock: number;
}

const SKUS = ['sku-kopi-250g', 'sku-teh-100g', 'sku-mug', 'sku-grinder', 'sku-filter-100', 'sku-kettle'];
const CARRIERS = ['JNE', 'SiCepat', 'DHL', 'Ninja Van'];

export async function startOrderSaga({
  kafkaBrokers,
  ratePerSecond = ORDER_SAGA_RATE,
  log,
  names: given = {},
  random = Math.random,
  failures = { payment: 0.04, stock: 0.03 },
}: PilotOptions<OrderSagaNames> & { failures?: SagaFailures }): Promise<Pilot> {
  const names: OrderSagaNames = { ...ORDER_SAGA_NAMES, ...given };
  const traffic = createTraffic({ eventTypes: ORDER_SAGA_EVENT_TYPES, log, random });
  const topics = [names.orders, names.payments, names.stock, names.delivery];
  const kafka = await connectPilotKafka({ brokers: kafkaBrokers, clientId: 'order-saga-pilot', topics, traffic, log });

  await kafka.consume(names.paymentGroup, [names.orders, names.stock], {
    OrderPlaced: async (order) => {
      const id = order.correlationId;
      if (random() < failures.payment) {
        await kafka.publish(
          names.payments,
          newEvent('PaymentFailed', 'payment-service', id, { order_id: id, reason: 'card_declined' }, order),
        );
        return;
      }
      const paid = { order_id: id, payment_id: newId('pay'), amount: order.data.total, items: order.data.items };
      await kafka.publish(names.payments, newEvent('PaymentCompleted', 'payment-service', id, paid, order));
    },
    StockFailed: async (failed) => {
      const refund = {
        order_id: failed.correlationId,
        payment_id: failed.data.payment_id,
        refunded: failed.data.amount,
        reason: 'out_of_stock',
      };
      await kafka.publish(
        names.payments,
        newEvent('PaymentCancelled', 'payment-service', failed.correlationId, refund, failed),
      );
    },
  });

  await kafka.consume(names.stockGroup, [names.payments], {
    PaymentCompleted: async (paid) => {
      const id = paid.correlationId;
      if (random() < failures.stock) {
        const failed = {
          order_id: id,
          payment_id: paid.data.payment_id,
          amount: paid.data.amount,
          reason: 'out_of_stock',
        };
        await kafka.publish(names.stock, newEvent('StockFailed', 'stock-service', id, failed, paid));
        return;
      }
      await kafka.publish(
        names.stock,
        newEvent(
          'StockDecreased',
          'stock-service',
          id,
          { order_id: id, items: paid.data.items, warehouse: 'cgk-1' },
          paid,
        ),
      );
    },
  });

  await kafka.consume(names.deliveryGroup, [names.stock], {
    StockDecreased: async (picked) => {
      const shipment = {
        order_id: picked.correlationId,
        carrier: oneOf(CARRIERS, random()),
        tracking_number: newId('trk'),
      };
      await kafka.publish(
        names.delivery,
        newEvent('DeliveryStarted', 'delivery-service', picked.correlationId, shipment, picked),
      );
    },
  });

  /** The order service ends the saga `cause` belongs to: closed, or cancelled with its reason. */
  const endOrder = (cause: CloudEvent, type: 'OrderClosed' | 'OrderCancelled', outcome: Payload) =>
    kafka.publish(
      names.orders,
      newEvent(type, 'order-service', cause.correlationId, { order_id: cause.correlationId, ...outcome }, cause),
    );
  await kafka.consume(names.orderGroup, [names.delivery, names.payments], {
    DeliveryStarted: (shipped) => endOrder(shipped, 'OrderClosed', { status: 'closed' }),
    PaymentFailed: (failed) => endOrder(failed, 'OrderCancelled', { status: 'cancelled', reason: 'payment_failed' }),
    PaymentCancelled: (refunded) =>
      endOrder(refunded, 'OrderCancelled', { status: 'cancelled', reason: 'out_of_stock' }),
  });

  const pace = startPace({
    ratePerSecond,
    log,
    random,
    tick: async () => {
      const id = newId('ord');
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
        sku: oneOf(SKUS, random()),
        quantity: 1 + Math.floor(random() * 3),
      }));
      const total = Math.round(items.reduce((sum, item) => sum + item.quantity * (20 + random() * 180), 0)) * 1000;
      await kafka.publish(
        names.orders,
        newEvent('OrderPlaced', 'order-service', id, {
          order_id: id,
          customer_id: newId('cus'),
          items,
          total,
          currency: 'IDR',
        }),
      );
    },
  });

  return kafkaPilot({
    name: 'order-saga',
    services: ['order-service', 'payment-service', 'stock-service', 'delivery-service'],
    eventTypes: ORDER_SAGA_EVENT_TYPES,
    traffic,
    kafka,
    topics,
    groups: [names.orderGroup, names.paymentGroup, names.stockGroup, names.deliveryGroup],
    pace,
  });
}
