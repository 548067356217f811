// The RabbitMQ tap: a durable, bounded queue bound to the firehose (amq.rabbitmq.trace) in each vhost, so
// nothing is lost while the collector restarts. It receives every publish and delivery, or with `rabbitmq.trace:
// publish` publishes only (deliveries are then counted per queue by delivery-counter.ts). Each delivery is acked only after its batch is stored; the
// prefetch window bounds what is held in memory when ClickHouse is slow.
import { auditLevels, keptLevel, type AuditLevel } from '@rollcall/core/audit';
import { Connection } from 'rabbitmq-client';
import type { Config } from '@rollcall/core/config/schema';
import { hash53 } from '@rollcall/core/hash';
import type { Logger } from '@rollcall/core/log';
import type { TapTelemetry } from '@rollcall/core/telemetry';
import { tapBatchesContaining } from './stored-batches.ts';
import type { EventRow } from '@rollcall/core/event';
import type { Store } from '@rollcall/core/store';
import { isTapPlumbing, NotATraceMessage, traceMessageToEvent } from '../metadata/amqp.ts';
import { createBatchWriter, type Submission } from '../writer/batch-writer.ts';
import { createQueueReader, type QueueReader, type QueueReaderQueue, type TraceDelivery } from './queue-reader.ts';
import { RedeliveryClaims } from './redelivery.ts';
import { overflowName } from './tap-queues.ts';
import type { Management } from './management.ts';
import type { TapHealth } from '@rollcall/core/tap-health';
import { createTracingWatch, type TracingWatch } from './tracing-watch.ts';

export interface RabbitTapDeps {
  config: Config;
  store: Store;
  log: Logger;
  management: Management;
  now?: () => number;
  onInserted?: (rows: number, ms: number) => void;
  telemetry?: TapTelemetry;
  /** Where each vhost's tap (`rabbitmq/<vhost>`) reports tracing turned off and trace messages lost. */
  health?: TapHealth;
  /** Called for every trace message that overflowed the tap queue (it is still stored, late). */
  onOverflow?: (vhost: string) => void;
}

type TraceMode = Config['rabbitmq']['trace'];

interface Delivery {
  redelivered: boolean;
  hash: number;
  session: number | undefined;
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
  /** ms since epoch up to which everything traced is stored: the tap queue is FIFO and the consumer holds its
   * prefetch window while the queue has more, so the earliest unstored row bounds it; with none, now. */
  watermark(): number;
}

const REDELIVERY_LOOKBACK_MS = 24 * 3600 * 1000;

/** The firehose's routing keys are `publish.<exchange>` and `deliver.<queue>`. */
export const TRACE_BINDING = { all: '#', publish: 'publish.#' } as const satisfies Record<TraceMode, string>;

/** The tap queue is durable, so a binding of the other trace mode outlives a change of `rabbitmq.trace`; a queue
 * gets one copy of a message however many of its bindings match, so removing it after the new one is bound
 * neither loses nor doubles a trace message. */
async function unbindOtherTrace(url: string, queue: string, mode: TraceMode): Promise<void> {
  const conn = new Connection({ url, connectionName: 'rollcall-tap setup', retryLow: 200, retryHigh: 1_000 });
  try {
    for (const [other, routingKey] of Object.entries(TRACE_BINDING))
      if (other !== mode) await conn.queueUnbind({ queue, exchange: 'amq.rabbitmq.trace', routingKey });
  } finally {
    await conn.close();
  }
}
const DEPTH_CHECK_MS = 10_000;

/** rabbitmq-client takes the vhost from the URL's path and ignores a `vhost` option next to a URL. */
export function vhostUrl(url: string, vhost: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/' + encodeURIComponent(vhost);
  return parsed.toString();
}

export function createRabbitTap({
  config,
  store,
  log: parentLog,
  management,
  now = Date.now,
  onInserted,
  onOverflow,
  telemetry,
  health,
}: RabbitTapDeps): RabbitTap {
  const cfg = config.rabbitmq;
  const log = parentLog.child({ tap: 'rabbitmq', cluster: cfg.cluster });
  const readers: QueueReader[] = [];
  // Readers going one message at a time to find one that AMQP cannot deliver: each row is stored at once then.
  let careful = 0;
  const untraced = new Set<string>();
  const overflowQueue = overflowName(cfg.tap_queue);
  let depthTimer: NodeJS.Timeout | undefined;
  const watches: TracingWatch[] = [];
  const claims = new RedeliveryClaims(store.run, cfg.prefetch);
  let inserts = 0;
  const auditLevel = auditLevels(config.audit);
  const countedAsKeys = new Set<string>();
  const levelOf = (exchange: string): AuditLevel => {
    const level = auditLevel('rabbitmq', exchange);
    const kept = keptLevel('rabbitmq', level);
    if (kept !== level && !countedAsKeys.has(exchange) && countedAsKeys.size < 1000) {
      countedAsKeys.add(exchange);
      log.warn(`audit level ${level} is kept as ${kept} for RabbitMQ exchanges (the redelivery check needs rows)`, {
        exchange,
      });
    }
    return kept;
  };

  // A submission is one burst: meta[i] is rows[i]'s delivery, levels[i] its audit level.
  const writer = createBatchWriter<Delivery[]>({
    store,
    log,
    batchSize: config.writer.batch_size,
    flushIntervalMs: config.writer.flush_interval,
    maxRetryDelayMs: config.writer.max_retry_delay,
    // A reader stalls once `prefetch` of its messages wait unacked, and one busy reader (the tap queue; the overflow
    // queue is mostly empty) must not wait for a second reader's window to fill, nor for the flush interval: flush
    // at half a window, so the broker delivers the other half while that insert runs.
    maxPending: () => (careful > 0 ? 1 : Infinity),
    maxPendingMessages: () => Math.max(1, Math.floor(cfg.prefetch / 2)),
    // The token names one insert (retries reuse it), not its content: trace messages can be byte-identical (same
    // channel, properties and body), and a batch of them named by content alone was dropped by ClickHouse as a
    // duplicate of an earlier one (20 publishes after 7 long exchange names were never stored). Messages stored
    // before and delivered again are the redelivery check's, in prepare.
    tokenFor: (batch) => {
      const hashes = batch.flatMap((s) => s.meta.map((d) => d.hash));
      return `rabbitmq/${cfg.cluster}/${store.run}/${++inserts}/${hashes.length}/${hash53(hashes.join(','))}`;
    },
    prepare: async (batch) => {
      // numbered across the batch, message by message, as claims.match answers
      let index = 0;
      const redelivered = batch.flatMap((s) =>
        s.meta.flatMap((d) => {
          const at = index++;
          return d.redelivered
            ? [{ index: at, hash: d.hash, ...(d.session === undefined ? {} : { session: d.session }) }]
            : [];
        }),
      );
      if (redelivered.length === 0) return batch;
      const stored = await tapBatchesContaining(
        store,
        cfg.cluster,
        [...new Set(redelivered.map((r) => r.hash))],
        now() - REDELIVERY_LOOKBACK_MS,
      );
      const skip = claims.match(redelivered, stored);
      if (skip.size === 0) return batch;
      log.info('redelivered messages were already stored; not storing them again', { messages: skip.size });
      index = 0;
      return batch.flatMap((s) => {
        const keep = s.meta.map(() => !skip.has(index++));
        const rows = s.rows.filter((_, i) => keep[i]);
        const levels = s.levels?.filter((_, i) => keep[i]);
        return rows.length
          ? [{ ...s, rows, meta: s.meta.filter((_, i) => keep[i]), ...(levels ? { levels } : {}) }]
          : [];
      });
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
    log.error(
      `tap queue ${cfg.tap_queue} overflowed its max_length (${cfg.max_length}); overflow is kept in ${overflowQueue} and stored late`,
      { vhost, overflowed },
    );
  };

  /** One trace message's row, or undefined when there is none to store. */
  const rowOf = ({ message, note }: TraceDelivery): EventRow | undefined => {
    if (isTapPlumbing(message)) return; // acked, not stored: the tap reading its own overflow queue
    let extracted;
    try {
      extracted = traceMessageToEvent(
        message,
        { cluster: cfg.cluster, observedAt: now(), extract: config.extract, levelOf },
        note,
      );
    } catch (err) {
      if (err instanceof NotATraceMessage) {
        log.warn('ignoring a message on the tap queue that is not a firehose trace', {
          routing_key: message.routingKey,
        });
        return; // acked: keeping it would only block the queue
      }
      throw err;
    }
    const { row, paths } = extracted;
    if (levelOf(row.stream) === 'rows' && writer.isNewSchema(row.schema_fingerprint)) {
      writer.storeSchemas([
        {
          fingerprint: row.schema_fingerprint,
          broker: 'rabbitmq',
          stream: row.stream,
          event_type: row.event_type,
          paths,
          first_seen: row.observed_at,
        },
      ]);
    }
    return row;
  };

  /** A burst to the writer as one submission (rows in delivery order, each at its exchange's level), so that it is
   * stored or refused whole: a burst acked or requeued in part would store some of its rows twice. Not async: the
   * deliveries (bodies, header tables) are let go once their rows are built, not held until the rows are stored,
   * which with a window of 20,000 messages is most of what the tap would hold. */
  const handle = (deliveries: TraceDelivery[]): Promise<void> => {
    const burst: Submission<Delivery[]> & { levels: AuditLevel[] } = { rows: [], meta: [], levels: [] };
    for (const delivery of deliveries) {
      const row = rowOf(delivery);
      if (!row) continue;
      burst.rows.push(row);
      burst.levels.push(levelOf(row.stream));
      burst.meta.push({ redelivered: delivery.redelivered, hash: row.delivery_hash, session: delivery.session });
    }
    if (burst.rows.length === 0) return Promise.resolve();
    // Trace messages that keep no row are acked with the burst, so they hold the tap queue's window until it is stored.
    burst.unkept = deliveries.length - burst.rows.length;
    return storeBurst(burst);
  };
  const storeBurst = async (burst: Submission<Delivery[]>) => {
    await writer.submit(burst);
    // their ack goes out now; if its connection ends before the ack lands they come back (see redelivery.ts)
    for (const d of burst.meta) claims.handled(d.session, d.hash);
  };

  const checkTracing = async (vhost: string) => {
    try {
      if (await management.tracing(vhost)) return untraced.delete(vhost);
      untraced.add(vhost);
      log.error(
        `tracing (the firehose) is off for vhost "${vhost}", so Rollcall sees none of its messages. Turn it on with: rabbitmqctl trace_on -p ${vhost}`,
      );
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
          const lost =
            overflowDepth >= cfg.max_length
              ? `; ${overflowQueue} is full as well, so RabbitMQ is now ${cfg.overflow === 'drop-head' ? 'dropping the oldest' : 'rejecting new'} trace messages and counts will be short`
              : '';
          log.error(`tap queue ${cfg.tap_queue} is full (${depth} messages, max_length ${cfg.max_length})${lost}`, {
            vhost,
            overflow_depth: overflowDepth,
          });
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
        // Overflow is dead-lettered (reject-publish-dlx, or drop-head with a DLX) into a second bounded queue that
        // the tap also reads: an overflow is counted and its messages still stored. Only past both bounds does
        // RabbitMQ drop trace messages, and the depth check then says so. Each queue has its own connection, so
        // a message that kills one (see queue-reader.ts) is looked for in that queue only.
        const reader = (queue: QueueReaderQueue, onMessages: (deliveries: TraceDelivery[]) => Promise<void>) =>
          createQueueReader({
            url: vhostUrl(cfg.url, vhost),
            vhost,
            managementUrl: cfg.management_url,
            connectionName: `rollcall-tap ${cfg.cluster}`,
            prefetch: cfg.prefetch,
            queue,
            log,
            handle: onMessages,
            onSessionEnd: (session, uncertain) => claims.endSession(session, uncertain),
            onCareful: (on) => (careful += on ? 1 : -1),
          });
        const overflow = reader(
          {
            queue: overflowQueue,
            queueOptions: { durable: true, arguments: { 'x-max-length': cfg.max_length, 'x-overflow': cfg.overflow } },
            exchanges: [{ exchange: overflowQueue, type: 'fanout', durable: true }],
            queueBindings: [{ exchange: overflowQueue, routingKey: '' }],
          },
          (deliveries) => {
            const overflowed = deliveries.length;
            return handle(deliveries).then(() => {
              for (let i = 0; i < overflowed; i++) noteOverflow(vhost);
            });
          },
        );
        const tap = reader(
          {
            queue: cfg.tap_queue,
            queueOptions: {
              durable: true,
              arguments: {
                'x-max-length': cfg.max_length,
                'x-overflow': cfg.overflow === 'reject-publish' ? 'reject-publish-dlx' : 'drop-head',
                'x-dead-letter-exchange': overflowQueue,
              },
            },
            queueBindings: [{ exchange: 'amq.rabbitmq.trace', routingKey: TRACE_BINDING[cfg.trace] }],
          },
          handle,
        );
        readers.push(overflow, tap);
        // Started means the queues are declared and bound: from here on no publish is missed.
        await Promise.all([overflow.start(), tap.start()]);
        await unbindOtherTrace(vhostUrl(cfg.url, vhost), cfg.tap_queue, cfg.trace);
      }
      depthTimer = setInterval(() => void checkDepth(), DEPTH_CHECK_MS);
      // Tracing turned off later, and trace messages RabbitMQ drops from full tap queues, are noticed by the watch.
      for (const vhost of cfg.vhosts) {
        const watch = createTracingWatch({
          vhost,
          cluster: cfg.cluster,
          tapQueue: cfg.tap_queue,
          publishesOnly: cfg.trace === 'publish',
          maxLength: cfg.max_length,
          management,
          log,
          now,
          ...(health ? { health } : {}),
        });
        watches.push(watch);
        await watch.start();
      }
      log.info('rabbitmq tap started', { vhosts: cfg.vhosts, queue: cfg.tap_queue });
    },
    async stop() {
      if (depthTimer) clearInterval(depthTimer);
      await Promise.all(watches.splice(0).map((w) => w.stop()));
      // Closing the readers waits for handlers in flight, which wait for their batch to be stored.
      const closing = Promise.all(readers.map((r) => r.stop()));
      await writer.close();
      await closing;
    },
    untraced: () => [...untraced],
    overflowed: () => overflowed,
    backlog: () => writer.backlog(),
    watermark: () => writer.unstoredSince() ?? now(),
  };
}
