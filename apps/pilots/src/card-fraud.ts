// Card → Fraud pilot, the motivating incident's shape: card-service logs each accepted authorization request to
// Kafka and publishes CardAuthorized to a RabbitMQ topic exchange; fraud-service consumes them from its queue and
// publishes FraudScored to Kafka. The authorization id is the correlation id all the way through.
import { randomUUID } from 'node:crypto';
import { Connection } from 'rabbitmq-client';
import { pick } from './chance.ts';
import { fromAmqp, newEvent, toAmqp } from './cloudevents.ts';
import type { Fault } from './faults.ts';
import { connectPilotKafka } from './kafka.ts';
import { startPace } from './pace.ts';
import type { Pilot, PilotOptions } from './pilot.ts';
import { createTraffic } from './traffic.ts';

export const CARD_FRAUD_NAMES = {
  /** Kafka topic where the card service logs every authorization request it accepts. */
  requests: 'card.requests',
  exchange: 'cards',
  queue: 'fraud.card-authorizations',
  scores: 'fraud.scores',
};
export type CardFraudNames = typeof CARD_FRAUD_NAMES;

export const CARD_FRAUD_EVENT_TYPES = ['AuthorizationRequested', 'CardAuthorized', 'FraudScored'] as const;

/** Default card authorizations per second. */
export const CARD_FRAUD_RATE = 8;

/** Card networks by their share of authorizations. */
const NETWORKS = [
  ['visa', 0.45],
  ['mastercard', 0.35],
  ['amex', 0.1],
  ['jcb', 0.05],
  ['unionpay', 0.05],
] as const;

/** The motivating incident: after a change, card-service silently stops publishing part of one network's
 * authorizations. Nothing errors; fraud-service just sees less. The demo's rules that should catch it follow. */
export const CARD_FRAUD_INCIDENT = {
  pilot: 'card-fraud',
  eventType: 'CardAuthorized',
  fault: { drop: 0.4, when: { network: 'visa' } } satisfies Fault,
  story:
    'card-service silently stops publishing 40% of CardAuthorized for visa cards (about 18% of all authorizations); nothing errors, nothing is logged',
  rules: ['cards-published-per-request', 'every-request-scored'],
};

export async function startCardFraud({
  rabbitUrl,
  kafkaBrokers,
  ratePerSecond = CARD_FRAUD_RATE,
  log,
  names: given = {},
  random = Math.random,
}: PilotOptions<CardFraudNames> & { rabbitUrl: string }): Promise<Pilot> {
  const names: CardFraudNames = { ...CARD_FRAUD_NAMES, ...given };
  const traffic = createTraffic({ eventTypes: CARD_FRAUD_EVENT_TYPES, log, random });
  const kafka = await connectPilotKafka({
    brokers: kafkaBrokers,
    clientId: 'card-fraud-pilot',
    topics: [names.requests, names.scores],
    traffic,
    log,
  });
  // One connection per service, named for it: the broker reports deliveries by connection, and the flow map
  // joins fraud-service's RabbitMQ consumer and its Kafka publishes into one node by that name.
  const rabbit = new Connection({ url: rabbitUrl, connectionName: 'card-service' });
  const fraudRabbit = new Connection({ url: rabbitUrl, connectionName: 'fraud-service' });
  // declared by both sides: either may set up first
  const exchange = { exchange: names.exchange, type: 'topic', durable: true };
  const cards = rabbit.createPublisher({ confirm: true, exchanges: [exchange] });

  const fraud = fraudRabbit.createConsumer(
    {
      queue: names.queue,
      queueOptions: { durable: true },
      exchanges: [exchange],
      queueBindings: [{ exchange: names.exchange, routingKey: 'card.authorized.*' }],
      qos: { prefetchCount: 50 },
      concurrency: 4,
    },
    async (msg) => {
      const auth = fromAmqp(msg);
      if (!auth) return;
      await traffic.consume(auth);
      const scored = {
        authorization_id: auth.correlationId,
        score: Math.round(random() * 100),
        network: auth.data.network ?? 'unknown',
        model: 'gbm-2024-11',
      };
      await kafka.publish(names.scores, newEvent('FraudScored', 'fraud-service', auth.correlationId, scored, auth));
    },
  );
  fraud.on('error', (err) => log.warn('fraud-service consumer error', { err }));
  // fraud-service binds its queue on its own connection: wait for that before card-service publishes, or the
  // first authorizations would be routed to no queue.
  await new Promise<void>((resolve) => fraud.once('ready', () => resolve()));

  const pace = startPace({
    ratePerSecond,
    log,
    random,
    tick: async () => {
      const network = pick(NETWORKS, random());
      const id = randomUUID();
      const request = newEvent('AuthorizationRequested', 'card-service', id, {
        authorization_id: id,
        network,
        merchant: `m-${Math.floor(random() * 500)}`,
      });
      // Every accepted request is logged to Kafka first; the authorization then goes to RabbitMQ.
      await kafka.publish(names.requests, request);
      const authorized = newEvent(
        'CardAuthorized',
        'card-service',
        id,
        { authorization_id: id, amount: Math.round(random() * 50_000) / 100, currency: 'EUR', network },
        request,
      );
      await traffic.publish(authorized, async (e) => {
        const { envelope, body } = toAmqp(e, names.exchange, `card.authorized.${network}`);
        await cards.send(envelope, body);
      });
    },
  });

  return {
    name: 'card-fraud',
    services: ['card-service', 'fraud-service'],
    eventTypes: CARD_FRAUD_EVENT_TYPES,
    traffic,
    resources: {
      kafkaTopics: [names.requests, names.scores],
      kafkaGroups: [],
      exchanges: [names.exchange],
      queues: [names.queue],
    },
    async stop() {
      await pace.stop();
      await traffic.settled();
      traffic.close();
      await fraud.close();
      await cards.close();
      await kafka.stop();
      await fraudRabbit.close();
      await rabbit.close();
    },
  };
}
