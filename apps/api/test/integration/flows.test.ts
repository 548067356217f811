// The flow map over a real two-hop chain across both brokers: card-svc publishes to a RabbitMQ exchange,
// fraud-svc consumes the bound queue and publishes each message on to a Kafka topic, audit-svc reads that
// topic in its own consumer group. The graph must be one path with every edge's rate within 10% of what was
// produced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, Producer } from 'kafkajs';
import { Connection, type Consumer as RabbitConsumer } from 'rabbitmq-client';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { deleteTapQueues } from '@rollcall/collector/rabbitmq/tap-queues';
import { flowsResponse } from '@rollcall/contract/flows';
import type { Platform } from '../../src/platform.ts';
import { startTestPlatform, testKafka } from './platform.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

const name = uniqueName('rc-flow');
const dir = tempDir('rollcall-flows');
const exchange = `${name}.cards`;
const queue = `${name}.fraud-in`;
const topic = `${name}.scores`;
const group = `${name}.audit`;
const RATE = 20;
const SECONDS = 20;

describe('flow map', () => {
  let platform: Platform;
  let rabbitCard: Connection;
  let rabbitFraud: Connection;
  let producer: Producer;
  let audit: Consumer;
  let fraudIn: RabbitConsumer;
  let from = 0;
  let to = 0;

  beforeAll(async () => {
    const kafka = testKafka('fraud-svc');
    const admin = kafka.admin();
    await admin.connect();
    await createReadyTopics(admin, [{ topic, numPartitions: 2 }]);
    await admin.disconnect();

    platform = await startTestPlatform({
      name,
      dir,
      env: { ROLLCALL_RULES_ENABLED: 'false', ROLLCALL_LAG_INTERVAL: '1s' },
    });

    // fraud-svc: its own connection name, as a real service would set, is what names it on the map.
    rabbitCard = new Connection({ url: rabbitUrl(), connectionName: 'card-svc' });
    rabbitFraud = new Connection({ url: rabbitUrl(), connectionName: 'fraud-svc' });
    producer = kafka.producer();
    await producer.connect();
    fraudIn = rabbitFraud.createConsumer(
      {
        queue,
        queueOptions: { durable: false, autoDelete: true },
        exchanges: [{ exchange, type: 'topic' }],
        queueBindings: [{ exchange, routingKey: 'card.#' }],
      },
      async (msg) => {
        await producer.send({
          topic,
          messages: [
            {
              key: String(msg.correlationId),
              value: JSON.stringify({ score: 1 }),
              headers: { ce_source: 'fraud-svc', ce_type: 'FraudScored', ce_id: String(msg.messageId) },
            },
          ],
        });
      },
    );
    await new Promise<void>((resolve) => fraudIn.once('ready', () => resolve()));
    audit = testKafka('audit-svc').consumer({
      groupId: group,
    });
    await audit.connect();
    await audit.subscribe({ topic, fromBeginning: true });
    await audit.run({ autoCommitInterval: 500, eachMessage: async () => {} });

    const publisher = rabbitCard.createPublisher({ confirm: true, exchanges: [{ exchange, type: 'topic' }] });
    from = Date.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      await publisher.send(
        {
          exchange,
          routingKey: 'card.visa',
          appId: 'card-svc',
          messageId: `m${i}`,
          correlationId: `c${i}`,
          type: 'CardAuthorized',
        },
        { n: i },
      );
      const due = from + ((i + 1) * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
    // The range ends a second after the last publish, however long the publishing took on a loaded machine.
    to = Date.now() + 1000;
    await publisher.close();
    await waitUntil(
      async () =>
        (await (await fetch(`${platform.url}/api/v1/count?broker=kafka&stream=${topic}&since=5m`)).json()) as {
          count: number;
        },
      (c) => c.count === RATE * SECONDS,
      60_000,
      'every score to be stored',
    );
    await new Promise((r) => setTimeout(r, Math.max(0, to + 2000 - Date.now())));
  }, 180_000);

  afterAll(async () => {
    await fraudIn?.close();
    await audit?.disconnect();
    await producer?.disconnect();
    await platform?.stop();
    await rabbitFraud?.close();
    const ch = await rabbitCard.acquire();
    await deleteTapQueues(ch, `${name}.tap`);
    await ch.exchangeDelete({ exchange });
    await ch.close();
    await rabbitCard.close();
    const admin = testKafka('flow-test').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.deleteGroups([group]).catch(() => {});
    await admin.disconnect();
  });

  it('draws producer → exchange → queue → service → topic → group → consumer with the produced rates', async () => {
    const res = await fetch(
      `${platform.url}/api/v1/flows?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
    );
    const graph = flowsResponse.parse(await res.json());
    const ids = graph.nodes.map((n) => n.id);
    const path = [
      'service:card-svc',
      `rabbitmq:exchange:${exchange}`,
      `rabbitmq:queue:${queue}`,
      'service:fraud-svc',
      `kafka:topic:${topic}`,
      `kafka:group:${group}`,
      'service:audit-svc',
    ];
    expect(ids).toEqual(expect.arrayContaining(path));
    expect(graph.nodes.find((n) => n.id === 'service:fraud-svc')?.kind).toBe('producer');

    const expected = (RATE * SECONDS) / ((to - from) / 1000);
    for (let i = 0; i < path.length - 1; i++) {
      const edge = graph.edges.find((e) => e.source === path[i] && e.target === path[i + 1]);
      expect(edge, `edge ${path[i]} → ${path[i + 1]}; edges: ${graph.edges.map((e) => e.id).join(', ')}`).toBeDefined();
      const rate = edge?.msg_per_sec ?? 0;
      expect(
        Math.abs(rate - expected) / expected,
        `${edge?.id}: ${rate.toFixed(2)} msg/s against ${expected.toFixed(2)} produced`,
      ).toBeLessThanOrEqual(0.1);
    }
  });
});
