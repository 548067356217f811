// The load on Kafka: a fresh topic per run, one kafkajs producer per --producers, and --consumers kafkajs
// consumers in one fresh group reading it from the beginning. Topic and group are deleted afterwards.
import net from 'node:net';
import tls from 'node:tls';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type ConfigResourceTypes,
  type Consumer,
  type ISocketFactory,
  type KafkaConfig,
  type Producer,
} from 'kafkajs';
import type { Logger } from '@rollcall/core/log';
import { kafkaLogCreator } from '@rollcall/collector/kafka/client-options';
import type { LoadOptions } from './options.ts';
import { runClock, sleep, type BrokerInfo, type LoadProducer, type LoadTarget, type OnMessage } from './target.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

export interface KafkaTargetDeps {
  /** Connection settings (TLS, SASL) from rollcall.yaml; brokers come from the options. */
  client: Omit<KafkaConfig, 'brokers'>;
  log: Logger;
  clock?: () => number;
}

const READY_TIMEOUT_MS = 60_000;
/** ConfigResourceTypes.BROKER: kafkajs is CommonJS and its enums are not visible to ESM named imports. */
const BROKER_RESOURCE = 4 as ConfigResourceTypes;

/** kafkajs's own socket factory plus TCP_NODELAY, so Nagle's algorithm does not hold requests back and
 * latency reflects the broker rather than the client's socket. */
const noDelaySockets: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : net.connect({ host, port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  socket.setNoDelay(true);
  return socket;
};

const kafkaNames = (runId: string) => ({ topic: `rollcall-bench-${runId}`, group: `rollcall-bench-${runId}` });

/** Kafka 3.x reports its protocol version as a broker config; 4.0 removed it, which itself says "4.0 or later". */
export async function detectKafkaVersion(admin: Admin, nodeId: number): Promise<string> {
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: BROKER_RESOURCE, name: String(nodeId) }],
    });
    const ibp = described.resources[0]?.configEntries.find(
      (e) => e.configName === 'inter.broker.protocol.version',
    )?.configValue;
    const match = ibp ? /^(\d+\.\d+)/.exec(ibp) : null;
    return match?.[1]
      ? `${match[1]} (inter.broker.protocol.version ${ibp})`
      : '4.0 or later (no inter.broker.protocol.version)';
  } catch {
    return 'unknown';
  }
}

export function kafkaTarget(
  o: LoadOptions,
  runId: string,
  { client, log, clock = runClock }: KafkaTargetDeps,
): LoadTarget {
  const kafka = new Kafka({
    ...client,
    brokers: o.brokers,
    clientId: 'rollcall-bench',
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(log),
    socketFactory: noDelaySockets,
  });
  const { topic, group } = kafkaNames(runId);
  const admin = kafka.admin();
  const consumers: Consumer[] = [];
  const producers: Producer[] = [];
  let adminConnected = false;
  let topicCreated = false;
  let consuming = false;

  async function waitForAssignment(assigned: number[]): Promise<void> {
    // Each consumer's latest assignment; when they add up to the partition count exactly, every member is in
    // the same generation and no rebalance is pending.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (assigned.some((n) => n < 0) || assigned.reduce((a, n) => a + n, 0) !== o.partitions) {
      if (Date.now() > deadline)
        throw new Error(
          `kafka: consumers of ${topic} were not all assigned within ${READY_TIMEOUT_MS / 1000}s (assigned ${assigned.join(', ')} of ${o.partitions} partitions)`,
        );
      await sleep(50);
    }
  }

  return {
    async prepare(onMessage: OnMessage) {
      await admin.connect();
      adminConnected = true;
      await createReadyTopics(admin, [{ topic, numPartitions: o.partitions }]);
      topicCreated = true;
      const assigned = Array.from({ length: o.consumers }, () => -1);
      for (let i = 0; i < o.consumers; i++) {
        const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 500 });
        consumers.push(consumer);
        consumer.on(consumer.events.GROUP_JOIN, (e) => {
          assigned[i] = e.payload.memberAssignment[topic]?.length ?? 0;
        });
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          partitionsConsumedConcurrently: Math.min(o.partitions, 4),
          eachBatch: async ({ batch }) => {
            // A fetched batch arrives at once: one clock reading serves all of its messages.
            const at = clock();
            for (const m of batch.messages) if (m.value) onMessage(m.value, at);
          },
        });
      }
      consuming = true;
      await waitForAssignment(assigned);
    },

    async producer(): Promise<LoadProducer> {
      const producer = kafka.producer({
        idempotent: o.idempotent,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      producers.push(producer);
      await producer.connect();
      const acks = o.acks === 'all' ? -1 : Number(o.acks);
      return {
        async send(_firstSeq, bodies) {
          // No key: the default partitioner spreads records round-robin over the partitions.
          await producer.send({ topic, acks, messages: bodies.map((value) => ({ value })) });
        },
      };
    },

    async info(): Promise<BrokerInfo> {
      const cluster = await admin.describeCluster();
      const nodeId = cluster.brokers[0]?.nodeId ?? cluster.controller ?? 0;
      return {
        version: o.brokerVersion ?? (await detectKafkaVersion(admin, nodeId)),
        nodes: cluster.brokers.length,
        detail: { clusterId: cluster.clusterId, controller: String(cluster.controller ?? ''), topic },
      };
    },

    async stopConsumers() {
      if (!consuming) return;
      consuming = false;
      await Promise.all(consumers.map((c) => c.disconnect()));
    },

    async brokerFigures() {
      const figures: Record<string, number | string> = {};
      const offsets = await admin.fetchTopicOffsets(topic);
      const records = offsets.map((p) => Number(p.high) - Number(p.low));
      figures.records_on_topic = records.reduce((a, n) => a + n, 0);
      figures.records_per_partition_min = Math.min(...records);
      figures.records_per_partition_max = Math.max(...records);
      const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] }).catch(() => []);
      const byPartition = new Map(offsets.map((p) => [p.partition, Number(p.high)]));
      let lag = 0;
      for (const t of committed)
        for (const p of t.partitions)
          lag += Math.max(0, (byPartition.get(p.partition) ?? 0) - Math.max(0, Number(p.offset)));
      figures.group_lag_at_end = lag;
      return figures;
    },

    async teardown() {
      const quietly = async (what: string, op: () => Promise<unknown>) => {
        try {
          await op();
        } catch (err) {
          log.warn(`kafka: could not ${what}`, { topic, err });
        }
      };
      if (consuming) await quietly('stop the consumers', () => Promise.all(consumers.map((c) => c.disconnect())));
      consuming = false;
      await quietly('disconnect the producers', () => Promise.all(producers.map((p) => p.disconnect())));
      if (adminConnected) {
        if (topicCreated)
          await quietly('delete the topic', () => admin.deleteTopics({ topics: [topic], timeout: 30_000 }));
        await quietly('delete the consumer group', () => admin.deleteGroups([group]));
        await quietly('disconnect', () => admin.disconnect());
      }
    },
  };
}
