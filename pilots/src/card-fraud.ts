// Card → Fraud pilot, the motivating incident's shape: a card service publishes CardAuthorized to a RabbitMQ
// topic exchange; a fraud service consumes them from its queue and publishes FraudScored to a Kafka topic.
// Both carry CloudEvents metadata and the authorization id as correlation id.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { Connection, type Consumer, type Publisher } from 'rabbitmq-client';
import type { Logger } from '@rollcall/core/log';

export interface CardFraudNames {
  /** Kafka topic where the card service logs every authorization request it accepts. */
  requests: string;
  exchange: string;
  queue: string;
  scores: string;
}

export interface CardFraudOptions {
  rabbitUrl: string;
  kafkaBrokers: string[];
  ratePerSecond: number;
  log: Logger;
  names?: Partial<CardFraudNames>;
}

/** Faults that can be switched on while the pilot runs. */
export interface CardFraudFaults {
  /** The incident: the card service stops publishing authorizations of this network, and says nothing. */
  skipNetwork?: string;
}

export const CARD_EXCHANGE = 'cards';
export const FRAUD_QUEUE = 'fraud.card-authorizations';
export const SCORES_TOPIC = 'fraud.scores';
export const REQUESTS_TOPIC = 'card.requests';
const NETWORKS = ['visa', 'mastercard', 'amex', 'jcb', 'unionpay'];

export interface Pilot {
  faults: CardFraudFaults;
  /** Authorization requests accepted so far. */
  accepted(): number;
  stop(): Promise<void>;
}

export async function startCardFraud({ rabbitUrl, kafkaBrokers, ratePerSecond, log, names: given = {} }: CardFraudOptions): Promise<Pilot> {
  const names: CardFraudNames = { requests: REQUESTS_TOPIC, exchange: CARD_EXCHANGE, queue: FRAUD_QUEUE, scores: SCORES_TOPIC, ...given };
  const faults: CardFraudFaults = {};
  let accepted = 0;
  const rabbit = new Connection({ url: rabbitUrl, connectionName: 'card-service' });
  const kafka = new Kafka({ clientId: 'fraud-service', brokers: kafkaBrokers, logLevel: logLevel.WARN });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  const cards: Publisher = rabbit.createPublisher({
    confirm: true,
    exchanges: [{ exchange: names.exchange, type: 'topic', durable: true }],
  });

  const fraud: Consumer = rabbit.createConsumer(
    {
      queue: names.queue,
      queueOptions: { durable: true },
      // declared here too: the consumer may set up before the publisher has declared the exchange
      exchanges: [{ exchange: names.exchange, type: 'topic', durable: true }],
      queueBindings: [{ exchange: names.exchange, routingKey: 'card.authorized.*' }],
      qos: { prefetchCount: 50 },
    },
    async (msg) => {
      const auth = msg.body as { authorization_id: string; amount: number; network: string };
      const score = Math.round(Math.random() * 100);
      await producer.send({
        topic: names.scores,
        messages: [
          {
            key: auth.authorization_id,
            value: JSON.stringify({ authorization_id: auth.authorization_id, score, network: auth.network }),
            headers: { ce_specversion: '1.0', ce_type: 'FraudScored', ce_source: 'fraud-service', ce_id: randomUUID(), correlation_id: auth.authorization_id, 'content-type': 'application/json' },
          },
        ],
      });
    },
  );
  fraud.on('error', (err) => log.warn('fraud consumer error', { err }));

  let stopped = false;
  const loop = (async () => {
    const interval = 1000 / Math.max(ratePerSecond, 0.1);
    while (!stopped) {
      const network = NETWORKS[Math.floor(Math.random() * NETWORKS.length)] ?? 'visa';
      const id = randomUUID();
      try {
        // Every accepted request is logged to Kafka first; the authorization then goes to RabbitMQ.
        await producer.send({
          topic: names.requests,
          messages: [{ key: id, value: JSON.stringify({ authorization_id: id, network }), headers: { ce_specversion: '1.0', ce_type: 'AuthorizationRequested', ce_source: 'card-service', ce_id: randomUUID(), correlation_id: id } }],
        });
        accepted++;
        if (faults.skipNetwork !== network) {
          await cards.send(
            { exchange: names.exchange, routingKey: `card.authorized.${network}`, type: 'CardAuthorized', appId: 'card-service', messageId: randomUUID(), correlationId: id, timestamp: Math.floor(Date.now() / 1000) },
            { authorization_id: id, amount: Math.round(Math.random() * 50_000) / 100, currency: 'EUR', network },
          );
        }
      } catch (err) {
        log.warn('card service could not publish', { err });
      }
      await new Promise((r) => setTimeout(r, interval * (0.5 + Math.random())));
    }
  })();

  return {
    faults,
    accepted: () => accepted,
    async stop() {
      stopped = true;
      await loop;
      await fraud.close();
      await cards.close();
      await producer.disconnect();
      await rabbit.close();
    },
  };
}
