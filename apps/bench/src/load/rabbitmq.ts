// The load on RabbitMQ: --queues fresh queues, publishers sending round-robin through the default exchange,
// --consumers consumers with manual acks and a prefetch window. Queues are deleted afterwards.
import { Connection, type AsyncMessage, type Channel } from 'rabbitmq-client';
import type { Logger } from '@rollcall/core/log';
import { effectiveTuning, redactUrl, type LoadOptions } from './options.ts';
import { createRabbitAdmin, type RabbitAdmin } from './rabbit-management.ts';
import { runClock, type BrokerInfo, type LoadProducer, type LoadTarget, type OnMessage } from './target.ts';

export interface RabbitTargetDeps {
  log: Logger;
  clock?: () => number;
  admin?: RabbitAdmin;
}

const ACK_FLUSH_MS = 20;

/** What every queue of a run's name starts with: how its traffic is told apart from other runs'. */
export const rabbitQueuePrefix = (runId: string) => `rollcall-bench-${runId}-`;

const rabbitQueueNames = (runId: string, queues: number) =>
  Array.from({ length: queues }, (_, i) => `${rabbitQueuePrefix(runId)}${i}`);

/** Which queues consumer j reads: every queue has a consumer and consumers spread evenly over the queues. */
export function queuesOfConsumer(j: number, consumers: number, queues: number): number[] {
  if (consumers >= queues) return [j % queues];
  return Array.from({ length: queues }, (_, q) => q).filter((q) => q % consumers === j);
}

/** One connection to --url before any load: a wrong user, password or vhost, or no broker, is a clear error here
 * instead of connections that retry (and phases that wait) for ever. */
export async function checkAmqpUrl(url: string): Promise<void> {
  const connection = new Connection({ url, connectionName: 'rollcall-bench check', retryLow: 1000, retryHigh: 1000 });
  try {
    await new Promise<void>((resolve, reject) => {
      connection.once('connection', resolve);
      connection.once('error', reject);
    });
  } catch (err) {
    throw new Error(
      `RabbitMQ at ${redactUrl(url)} did not let the benchmark in (${(err as Error).message}): check the broker, and the user, password and vhost in --url`,
    );
  } finally {
    await connection.close();
  }
}

interface Consuming {
  channel: Channel;
  consumerTag: string;
  flush(): void;
}

export function rabbitTarget(
  o: LoadOptions,
  runId: string,
  { log, clock = runClock, admin = createRabbitAdmin(o.managementUrl, o.url) }: RabbitTargetDeps,
): LoadTarget {
  const queues = rabbitQueueNames(runId, o.queues);
  const { prefetch } = effectiveTuning(o);
  const connections: Connection[] = [];
  const consuming: Consuming[] = [];
  // A connection only closes once every channel acquired on it is closed.
  const producerChannels: Channel[] = [];
  let declared = false;
  let blocked = 0;
  let ackTimer: NodeJS.Timeout | undefined;

  const connect = (name: string) => {
    // Without TCP_NODELAY, Nagle's algorithm holds small frames back for up to a delayed-ACK timeout (~40 ms):
    // the latency measured would be the client's, not the broker's.
    const connection = new Connection({
      url: o.url,
      connectionName: `rollcall-bench ${name}`,
      retryLow: 250,
      retryHigh: 2000,
      noDelay: true,
    });
    connection.on('error', (err) => log.warn('rabbitmq connection error', { url: redactUrl(o.url), err }));
    connection.on('connection.blocked', (reason) => {
      blocked++;
      log.warn('rabbitmq blocked the connection (flow control)', { reason });
    });
    connections.push(connection);
    return connection;
  };

  async function consume(connection: Connection, queue: string, onMessage: OnMessage): Promise<Consuming> {
    const channel = await connection.acquire();
    await channel.basicQos({ prefetchCount: prefetch });
    // Acks go out as `multiple` every quarter window or every ACK_FLUSH_MS, as a busy consumer would send them.
    const ackEvery = Math.max(1, Math.floor(prefetch / 4));
    let pending = 0;
    let lastTag = 0;
    const flush = () => {
      if (pending === 0 || !channel.active) return;
      channel.basicAck({ deliveryTag: lastTag, multiple: true });
      pending = 0;
    };
    const { consumerTag } = await channel.basicConsume({ queue, noAck: false }, (msg: AsyncMessage) => {
      const body: unknown = msg.body;
      onMessage(Buffer.isBuffer(body) ? body : Buffer.from(String(body)), clock());
      lastTag = msg.deliveryTag;
      if (++pending >= ackEvery) flush();
    });
    return { channel, consumerTag, flush };
  }

  return {
    async prepare(onMessage) {
      await checkAmqpUrl(o.url);
      const setup = await connect('setup').acquire();
      try {
        for (const queue of queues)
          await setup.queueDeclare({ queue, durable: o.persistent, autoDelete: false, exclusive: false });
        declared = true;
      } finally {
        await setup.close();
      }
      for (let j = 0; j < o.consumers; j++) {
        const connection = connect(`consumer-${j}`);
        for (const q of queuesOfConsumer(j, o.consumers, o.queues)) {
          const queue = queues[q];
          if (queue) consuming.push(await consume(connection, queue, onMessage));
        }
      }
      ackTimer = setInterval(() => consuming.forEach((c) => c.flush()), ACK_FLUSH_MS);
    },

    async producer(index): Promise<LoadProducer> {
      const channel = await connect(`producer-${index}`).acquire();
      producerChannels.push(channel);
      if (o.confirms) await channel.confirmSelect();
      return {
        async send(firstSeq, bodies) {
          // Written back to back, then awaited together: the socket's back-pressure (and, with confirms, the
          // broker's acks) is what paces the producer.
          await Promise.all(
            bodies.map((body, k) =>
              channel.basicPublish(
                { routingKey: queues[(firstSeq + k) % queues.length] ?? '', durable: o.persistent },
                body,
              ),
            ),
          );
        },
      };
    },

    async info(): Promise<BrokerInfo> {
      try {
        const [overview, nodes, tracing, traceBindings] = await Promise.all([
          admin.overview(),
          admin.nodes(),
          admin.tracing(),
          admin.traceBindings(),
        ]);
        return {
          version: o.brokerVersion ?? overview.rabbitmqVersion,
          nodes: nodes.length,
          // The firehose copies every publish and delivery into each bound queue: it changes what a run measures.
          detail: {
            erlang: overview.erlangVersion,
            cluster: overview.clusterName,
            vhost: admin.vhost,
            tracing: tracing ? `on, ${traceBindings} queue(s) bound to amq.rabbitmq.trace` : 'off',
            queues: queues.join(','),
          },
        };
      } catch (err) {
        log.warn('rabbitmq: the management API gave no broker details', { err });
        return { version: o.brokerVersion ?? 'unknown', nodes: 0, detail: { vhost: admin.vhost } };
      }
    },

    async stopConsumers() {
      clearInterval(ackTimer);
      for (const c of consuming.splice(0)) {
        c.flush();
        await c.channel.basicCancel({ consumerTag: c.consumerTag }).catch(() => {});
        await c.channel.close().catch(() => {});
      }
    },

    async brokerFigures() {
      const figures: Record<string, number | string> = { flow_control_blocks: blocked };
      try {
        const stats = await Promise.all(queues.map((q) => admin.queue(q)));
        figures.queue_messages_at_end = stats.reduce((a, s) => a + s.messages + s.unacked, 0);
        // The management API samples these every collect_statistics_interval (5 s by default): they may trail.
        figures.reported_published = stats.reduce((a, s) => a + s.published, 0);
        figures.reported_delivered = stats.reduce((a, s) => a + s.delivered, 0);
        const nodes = await admin.nodes();
        figures.node_mem_used_mib = Math.round(nodes.reduce((a, n) => a + n.memUsed, 0) / 2 ** 20);
        figures.node_mem_limit_mib = Math.round(nodes.reduce((a, n) => a + n.memLimit, 0) / 2 ** 20);
        figures.node_fd_used = nodes.reduce((a, n) => a + n.fdUsed, 0);
      } catch (err) {
        log.warn('rabbitmq: the management API gave no queue figures', { err });
      }
      return figures;
    },

    async teardown() {
      clearInterval(ackTimer);
      await Promise.all(
        [...producerChannels.splice(0), ...consuming.splice(0).map((c) => c.channel)].map((ch) =>
          ch.close().catch(() => {}),
        ),
      );
      if (declared) {
        try {
          const ch = await connect('teardown').acquire();
          for (const queue of queues)
            await ch
              .queueDelete({ queue })
              .catch((err: unknown) => log.warn('rabbitmq: could not delete a queue', { queue, err }));
          await ch.close();
        } catch (err) {
          log.warn('rabbitmq: could not delete the queues', { queues, err });
        }
      }
      await Promise.all(connections.splice(0).map((c) => c.close().catch(() => {})));
    },
  };
}
