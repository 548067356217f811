// The Kafka side every pilot shares: topics made up front, one producer per pilot, and one consumer group per
// consuming service (named for the service, so the flow graph shows who reads what).
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import type { Logger } from '@rollcall/core/log';
import { fromKafka, toKafka, type CloudEvent } from './cloudevents.ts';
import type { Pace } from './pace.ts';
import type { Pilot } from './pilot.ts';
import type { Traffic } from './traffic.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

export interface PilotKafka {
  /** Publishes through the pilot's faults. */
  publish(topic: string, event: CloudEvent): Promise<void>;
  /**
   * Starts a consumer group. Each event whose type has a handler gets it after the faults' consumer slowdown;
   * other types on the same topics are passed over.
   */
  consume(groupId: string, topics: string[], handlers: Handlers): Promise<void>;
  stop(): Promise<void>;
}

export type Handlers = Partial<Record<string, (event: CloudEvent) => Promise<void>>>;

const PARTITIONS = 3;

export async function connectPilotKafka({
  brokers,
  clientId,
  topics,
  traffic,
  log,
}: {
  brokers: string[];
  clientId: string;
  topics: string[];
  traffic: Traffic;
  log: Logger;
}): Promise<PilotKafka> {
  const kafka = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // createTopics is a no-op for topics that exist; made here so consumers never subscribe to a missing topic
    await createReadyTopics(
      admin,
      topics.map((topic) => ({ topic, numPartitions: PARTITIONS })),
    );
  } finally {
    await admin.disconnect();
  }
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumers: Consumer[] = [];

  return {
    publish: (topic, event) =>
      traffic.publish(event, async (e) => {
        await producer.send({ topic, messages: [toKafka(e)] });
      }),
    async consume(groupId, subscribed, handlers) {
      // The client id is the group's (the service's) name: it is what names the consumer on the flow map.
      const consumer = new Kafka({ clientId: groupId, brokers, logLevel: logLevel.NOTHING }).consumer({
        groupId,
        sessionTimeout: 15_000,
        heartbeatInterval: 1000,
      });
      consumers.push(consumer);
      await consumer.connect();
      // A group's very first start reads what was published before it joined; later starts resume at its offsets.
      await consumer.subscribe({ topics: subscribed, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const event = fromKafka(message);
          const handle = event && handlers[event.type];
          if (!event || !handle) return;
          try {
            await traffic.consume(event);
            await handle(event);
          } catch (err) {
            log.warn('pilot consumer could not handle an event', { group: groupId, type: event.type, err });
          }
        },
      });
    },
    async stop() {
      await Promise.all(consumers.map((c) => c.disconnect()));
      await producer.disconnect();
    },
  };
}

/**
 * A pilot whose services all talk over Kafka: its topics and consumer groups are its only broker names, and
 * stopping it ends the pace, lets the events in flight settle, then closes the Kafka clients.
 */
export function kafkaPilot({
  name,
  services,
  eventTypes,
  traffic,
  kafka,
  topics,
  groups,
  pace,
}: {
  name: string;
  services: string[];
  eventTypes: readonly string[];
  traffic: Traffic;
  kafka: PilotKafka;
  topics: string[];
  groups: string[];
  pace: Pace;
}): Pilot {
  return {
    name,
    services,
    eventTypes,
    traffic,
    resources: { kafkaTopics: topics, kafkaGroups: groups, exchanges: [], queues: [] },
    async stop() {
      await pace.stop();
      await traffic.settled();
      traffic.close();
      await kafka.stop();
    },
  };
}
