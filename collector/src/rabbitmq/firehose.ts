// The RabbitMQ tap: a durable, bounded queue bound to the firehose (amq.rabbitmq.trace) in each vhost, so
// nothing is lost while the collector restarts. Each delivery is acked only after its batch is stored; the
// prefetch window bounds what is held in memory when ClickHouse is slow.
import { Connection, type AsyncMessage, type Consumer } from 'rabbitmq-client';
import type { Config } from '@rollcall/core/config/schema';
import { hash53 } from '@rollcall/core/hash';
import type { Logger } from '@rollcall/core/log';
import type { TapTelemetry } from '@rollcall/core/telemetry';
import { tapBatchesContaining } from '@rollcall/core/store/queries';
import type { Store } from '@rollcall/core/store';
import { NotATraceMessage, traceMessageToEvent } from '../metadata/amqp.ts';
import { createBatchWriter, type Submission } from '../writer/batch-writer.ts';
import { RedeliveryClaims } from './redelivery.ts';
import { overflowName } from './tap-queues.ts';
import type { Management } from './management.ts';

export interface RabbitTapDeps {
  config: Config;
  store: Store;
  log: Logger;
  management: Management;
  now?: () => number;
  onInserted?: (rows: number, ms: number) => void;
  telemetry?: TapTelemetry;
  /** Called for every trace message that overflowed the tap queue (it is still stored, late). */
  onOverflow?: (vhost: string) => void;
}

interface Delivery {
  redelivered: boolean;
  hash: number;
}

export interface RabbitTap {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Vhosts whose tracing is off: the tap cannot see their traffic until someone turns it on. */
  untraced(): string[];
  /** Trace messages that overflowed the tap queue since start (stored late through the overflow queue). */
  overflowed(): number;
  /** Rows received and not yet stored. */
  backlog(): number;
}

const REDELIVERY_LOOKBACK_MS = 24 * 3600 * 1000;

/** rabbitmq-client takes the vhost from the URL's path and ignores a `vhost` option next to a URL. */
export function vhostUrl(url: string, vhost: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/' + encodeURIComponent(vhost);
  return parsed.toString();
}
const DEPTH_CHECK_MS = 10_000;

export function createRabbitTap({ config, store, log: parentLog, management, now = Date.now, onInserted, onOverflow, telemetry }: RabbitTapDeps): RabbitTap {
  const cfg = config.rabbitmq;
  const log = parentLog.child({ tap: 'rabbitmq', cluster: cfg.cluster });
  const connections: Connection[] = [];
  const consumers: Consumer[] = [];
  const untraced = new Set<string>();
  const overflowQueue = overflowName(cfg.tap_queue);
  let depthTimer: NodeJS.Timeout | undefined;
  const claims = new RedeliveryClaims();

  const writer = createBatchWriter<Delivery>({
    store,
    log,
    batchSize: config.writer.batch_size,
    flushIntervalMs: config.writer.flush_interval,
    maxRetryDelayMs: config.writer.max_retry_delay,
    maxPending: () => cfg.prefetch * Math.max(1, consumers.length),
    tokenFor: (batch) => `rabbitmq/${cfg.cluster}/${batch.length}/${hash53(batch.map((s) => s.meta.hash).join(','))}`,
    prepare: async (batch) => {
      const redelivered = batch.flatMap((s, index) => (s.meta.redelivered ? [{ index, hash: s.meta.hash }] : []));
      if (redelivered.length === 0) return batch.flatMap((s) => s.rows);
      const stored = await tapBatchesContaining(store, cfg.cluster, [...new Set(redelivered.map((r) => r.hash))], now() - REDELIVERY_LOOKBACK_MS);
      const skip = claims.match(redelivered, stored);
      if (skip.size) log.info('redelivered messages were already stored; not storing them again', { messages: skip.size });
      return batch.flatMap((s, i) => (skip.has(i) ? [] : s.rows));
    },
    onInserted: ({ rows, ms }) => {
      onInserted?.(rows.length, ms);
      telemetry?.stored('rabbitmq', rows, ms);
    },
    onInsertFailed: () => telemetry?.insertFailed('rabbitmq'),
  });

  let overflowed = 0;
  let overflowLogged = 0;
  const noteOverflow = (vhost: string) => {
    overflowed++;
    onOverflow?.(vhost);
    telemetry?.overflowed('rabbitmq');
    if (now() - overflowLogged < DEPTH_CHECK_MS) return;
    overflowLogged = now();
    log.error(`tap queue ${cfg.tap_queue} overflowed its max_length (${cfg.max_length}); overflow is kept in ${overflowQueue} and stored late`, { vhost, overflowed });
  };

  const handle = async (msg: AsyncMessage) => {
    const body = Buffer.isBuffer(msg.body) ? msg.body : Buffer.from(typeof msg.body === 'string' ? msg.body : JSON.stringify(msg.body ?? ''));
    let extracted;
    try {
      extracted = traceMessageToEvent({ routingKey: msg.routingKey, headers: msg.headers, body }, { cluster: cfg.cluster, observedAt: now(), extract: config.extract });
    } catch (err) {
      if (err instanceof NotATraceMessage) {
        log.warn('ignoring a message on the tap queue that is not a firehose trace', { routing_key: msg.routingKey });
        return; // acked: keeping it would only block the queue
      }
      throw err;
    }
    const { row, paths } = extracted;
    if (writer.isNewSchema(row.schema_fingerprint)) {
      writer.storeSchemas([{ fingerprint: row.schema_fingerprint, broker: 'rabbitmq', stream: row.stream, event_type: row.event_type, paths, first_seen: row.observed_at }]);
    }
    const submission: Submission<Delivery> = { rows: [row], meta: { redelivered: msg.redelivered, hash: row.delivery_hash } };
    await writer.submit(submission);
  };

  const checkTracing = async (vhost: string) => {
    try {
      if (await management.tracing(vhost)) return untraced.delete(vhost);
      untraced.add(vhost);
      log.error(`tracing (the firehose) is off for vhost "${vhost}", so Rollcall sees none of its messages. Turn it on with: rabbitmqctl trace_on -p ${vhost}`);
    } catch (err) {
      log.warn('could not check whether tracing is on', { vhost, err: (err as Error).message });
    }
    return false;
  };

  const checkDepth = async () => {
    for (const vhost of cfg.vhosts) {
      try {
        const depth = await management.queueDepth(vhost, cfg.tap_queue);
        if (depth >= cfg.max_length) {
          const overflowDepth = await management.queueDepth(vhost, overflowQueue);
          const lost = overflowDepth >= cfg.max_length ? `; ${overflowQueue} is full as well, so RabbitMQ is now ${cfg.overflow === 'drop-head' ? 'dropping the oldest' : 'rejecting new'} trace messages and counts will be short` : '';
          log.error(`tap queue ${cfg.tap_queue} is full (${depth} messages, max_length ${cfg.max_length})${lost}`, { vhost, overflow_depth: overflowDepth });
        }
      } catch (err) {
        log.debug('tap queue depth check failed', { vhost, err: (err as Error).message });
      }
    }
  };

  return {
    async start() {
      for (const vhost of cfg.vhosts) {
        await checkTracing(vhost);
        const connection = new Connection({ url: vhostUrl(cfg.url, vhost), connectionName: `rollcall-tap ${cfg.cluster}`, retryHigh: 10_000 });
        connection.on('error', (err) => log.warn('rabbitmq connection error', { vhost, err }));
        connections.push(connection);
        // Overflow is dead-lettered (reject-publish-dlx, or drop-head with a DLX) into a second bounded queue that
        // the tap also reads: an overflow is counted and its messages still stored. Only past both bounds does
        // RabbitMQ drop trace messages, and the depth check then says so.
        const delivery = { qos: { prefetchCount: cfg.prefetch }, concurrency: cfg.prefetch, requeue: true };
        const overflow = connection.createConsumer(
          {
            queue: overflowQueue,
            queueOptions: { durable: true, arguments: { 'x-max-length': cfg.max_length, 'x-overflow': cfg.overflow } },
            exchanges: [{ exchange: overflowQueue, type: 'fanout', durable: true }],
            queueBindings: [{ exchange: overflowQueue, routingKey: '' }],
            ...delivery,
          },
          async (msg) => {
            await handle(msg);
            noteOverflow(vhost);
          },
        );
        const tap = connection.createConsumer(
          {
            queue: cfg.tap_queue,
            queueOptions: {
              durable: true,
              arguments: { 'x-max-length': cfg.max_length, 'x-overflow': cfg.overflow === 'reject-publish' ? 'reject-publish-dlx' : 'drop-head', 'x-dead-letter-exchange': overflowQueue },
            },
            queueBindings: [{ exchange: 'amq.rabbitmq.trace', routingKey: '#' }],
            ...delivery,
          },
          handle,
        );
        consumers.push(overflow, tap);
        // Started means the queues are declared and bound: from here on no publish is missed. Listen on both
        // before awaiting either, or a 'ready' that fires meanwhile would be missed.
        await Promise.all(
          [overflow, tap].map(
            (consumer) =>
              new Promise<void>((resolve, reject) => {
                consumer.once('ready', () => resolve());
                consumer.once('error', reject);
              }),
          ),
        );
        for (const consumer of [overflow, tap]) consumer.on('error', (err) => log.error('rabbitmq tap consumer error', { vhost, err }));
      }
      depthTimer = setInterval(() => void checkDepth(), DEPTH_CHECK_MS);
      log.info('rabbitmq tap started', { vhosts: cfg.vhosts, queue: cfg.tap_queue });
    },
    async stop() {
      if (depthTimer) clearInterval(depthTimer);
      // Closing the consumers waits for handlers in flight, which wait for their batch to be stored.
      const closing = Promise.all(consumers.map((c) => c.close()));
      await writer.close();
      await closing;
      await Promise.all(connections.map((c) => c.close()));
    },
    untraced: () => [...untraced],
    overflowed: () => overflowed,
    backlog: () => writer.backlog(),
  };
}
