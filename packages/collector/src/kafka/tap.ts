// The Kafka tap: its own consumer group reads every matching topic and stores one row per record.
// Exactly-once into the store: offsets are committed only after the insert, and on (re)assignment the tap
// skips offsets at or below the highest offset already stored for that partition (kept by a projection in the
// same insert), so a batch stored just before a crash is not stored twice. Inserts overlap the next fetch
// (partition-pipeline.ts); the drain assigner (drain-assigner.ts, drain-tickets.ts) keeps that safe when
// partitions move between members.
// kafkajs fixes a consumer's subscription at run(), so a metadata watch rebuilds the consumer when the set of
// matching topics changes. Every subscription reads from the beginning when the group has no committed offset;
// "start at latest" on the very first start is done by committing the end offsets once, before consuming
// (first-start.ts).
import { Kafka, logLevel, PartitionAssigners, type Admin, type Consumer } from 'kafkajs';
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import type { TapTelemetry } from '@rollcall/core/telemetry';
import type { TapHealth } from '@rollcall/core/tap-health';
import type { Store } from '@rollcall/core/store';
import { kafkaClientOptions, kafkaLogCreator } from './client-options.ts';
import { registerKafkaCodecs } from './codecs.ts';
import { DRAIN_PROTOCOL } from './drain-assigner.ts';
import { drainTicketAssigner } from './drain-tickets.ts';
import { commitLatestOnFirstStart } from './first-start.ts';
import { createPartitionPipeline } from './partition-pipeline.ts';
import { installRecordDecoder } from './record-decoder.ts';
import { sameTopics, selectTopics } from './topics.ts';

export interface KafkaTapDeps {
  config: Config;
  store: Store;
  log: Logger;
  now?: () => number;
  onInserted?: (rows: number, ms: number) => void;
  /** A fetched batch of `records` reaches the tap, before anything of it is stored (bench:tap's first record). */
  onFetched?: (records: number) => void;
  telemetry?: TapTelemetry;
  health?: TapHealth;
}

/** Partitions processed at once: the tap's and the benchmark baseline's setting. */
export const TAP_CONCURRENCY = 4;

/** Fetch sizes: a partition's fetch becomes one insert, small enough that fetching and decoding the next one
 * overlaps it, large enough that the insert's fixed cost is spread over tens of thousands of rows and that kafkajs
 * (which fetches again only once every batch of a fetch was handled) waits on fewer round trips. Measured by
 * bench:tap on 1M × 200 B, 3 partitions: 1 MiB 0.44× the baseline at counts, 4 MiB 0.60×, 8 MiB 0.67× (rows 0.42× →
 * 0.49×), 16 and 32 MiB no better; the peak JS memory while catching up grows with it (4 MiB 346 MiB, 8 MiB 469,
 * 16 MiB 653 at rows). */
export const TAP_FETCH = {
  maxBytesPerPartition: 8 * 1024 * 1024,
  maxBytes: 64 * 1024 * 1024,
  maxWaitTimeInMs: 250,
} as const;

export interface KafkaTap {
  start(): Promise<void>;
  stop(): Promise<void>;
  topics(): string[];
  /** Rows received and not yet stored. */
  backlog(): number;
}

export const KAFKA_TAP = 'kafka';

// Installed when this module is loaded, not when a tap is created: kafkajs keeps the record decoder it finds on the
// process's first fetch, and another kafkajs client of the process (a pilot's consumer) may fetch before the tap
// starts.
const recordDecoderInstalled = installRecordDecoder();

export function createKafkaTap({
  config,
  store,
  log: parentLog,
  now = Date.now,
  onInserted,
  onFetched,
  telemetry,
  health,
}: KafkaTapDeps): KafkaTap {
  registerKafkaCodecs();
  const cfg = config.kafka;
  const log = parentLog.child({ tap: 'kafka', cluster: cfg.cluster });
  if (!recordDecoderInstalled)
    log.warn("kafkajs decoded records before the tap was loaded: records are decoded by kafkajs's slower decoder");
  const kafka = new Kafka({ ...kafkaClientOptions(cfg), logLevel: logLevel.WARN, logCreator: kafkaLogCreator(log) });
  const admin: Admin = kafka.admin();
  let consumer: Consumer | undefined;
  // Consumers kafkajs gave up on: they are never paused, stopped or reused.
  const crashed = new WeakSet<Consumer>();
  let current: string[] = [];
  let watch: NodeJS.Timeout | undefined;
  let stopping = false;
  let rebuilding: Promise<void> = Promise.resolve();
  const pipeline = createPartitionPipeline({
    config,
    store,
    log,
    now,
    concurrency: TAP_CONCURRENCY,
    onInserted,
    onFetched,
    telemetry,
    onWatermark: (mark) => health?.watermark(KAFKA_TAP, mark),
  });
  const assigner = drainTicketAssigner({
    config,
    store,
    log,
    now,
    stopping: () => stopping,
    outstanding: pipeline.outstanding,
    allStored: pipeline.allStored,
  });
  // Round robin as well, so a group with members of an older version (during a rolling upgrade) still forms.
  const assigners = [assigner, PartitionAssigners.roundRobin];

  const runConsumer = async (topics: string[]) => {
    if (consumer) {
      await pipeline.quiesce(consumer, current);
      await consumer.disconnect();
    }
    consumer = undefined;
    current = topics;
    pipeline.consumerReplaced();
    if (topics.length === 0) return;
    pipeline.forgetHighWater();
    // No auto-creation: the tap's metadata requests must never bring back a topic a user just deleted.
    const next = kafka.consumer({
      groupId: cfg.group_id,
      ...TAP_FETCH,
      allowAutoTopicCreation: false,
      sessionTimeout: cfg.session_timeout,
      heartbeatInterval: Math.min(3000, cfg.session_timeout / 3),
      partitionAssigners: assigners,
    });
    next.on(next.events.CRASH, ({ payload }) => onCrash(next, payload.error, payload.restart));
    next.on(next.events.FETCH_START, ({ payload }) => pipeline.fetchStarted(payload.nodeId));
    next.on(next.events.START_BATCH_PROCESS, ({ payload: b }) => {
      // Only a batch of transaction markers or aborted records is reported with no records: eachBatch has the rest.
      if (b.batchSize === 0) pipeline.filteredBatch(next, b.topic, b.partition, b.offsetLag, b.lastOffset);
    });
    next.on(next.events.GROUP_JOIN, (e) => {
      // Only a group that agreed on the drain protocol may pipeline (a mixed-version group falls back to waiting).
      const pipelined = e.payload.groupProtocol === DRAIN_PROTOCOL;
      const assigned = Object.values(e.payload.memberAssignment).reduce((n, parts) => n + parts.length, 0);
      pipeline.groupJoined(pipelined, assigned);
      log.info('joined consumer group', { group: cfg.group_id, partitions: assigned, pipelined });
      health?.up(KAFKA_TAP);
    });
    await next.connect();
    await next.subscribe({ topics, fromBeginning: true });
    await next.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: TAP_CONCURRENCY,
      eachBatch: (payload) => pipeline.eachBatch(next, payload),
    });
    // It may have crashed already while joining (a group id shared with a foreign client, say).
    if (!crashed.has(next)) consumer = next;
  };

  /** kafkajs restarts a consumer itself only after retriable errors; any other crash would stop the tap for good
   * while everything else looks fine. The crashed consumer is dropped and the metadata watch builds a new one. */
  const onCrash = (dead: Consumer, error: Error, restarting: boolean) => {
    health?.down(KAFKA_TAP, `consumer crashed${restarting ? ' (kafkajs is restarting it)' : ''}: ${error.message}`);
    if (restarting) return log.warn('kafka consumer crashed; kafkajs restarts it', { err: error });
    log.error('kafka consumer crashed; building a new one', { err: error, retry_in_ms: cfg.metadata_refresh });
    crashed.add(dead);
    if (consumer === dead) consumer = undefined;
  };

  const refresh = async () => {
    const topics = selectTopics(await admin.listTopics(), cfg);
    if (sameTopics(topics, current) && (consumer || topics.length === 0)) return;
    if (sameTopics(topics, current)) log.info('restarting the kafka consumer', { topics: topics.length });
    else
      log.info('topic set changed; resubscribing', {
        topics: topics.length,
        added: topics.filter((t) => !current.includes(t)),
      });
    await runConsumer(topics);
    if (topics.length === 0) health?.up(KAFKA_TAP);
  };

  const scheduleRefresh = () => {
    watch = setTimeout(() => {
      rebuilding = refresh()
        .catch((err: unknown) => log.error('topic metadata refresh failed', { err }))
        .finally(() => {
          if (!stopping) scheduleRefresh();
        });
    }, cfg.metadata_refresh);
  };

  return {
    async start() {
      try {
        await admin.connect();
        const topics = selectTopics(await admin.listTopics(), cfg);
        await commitLatestOnFirstStart({ kafka, admin, config, store, log, now, assigners }, topics);
        await runConsumer(topics);
      } catch (err) {
        // Leave nothing half-open so the caller can simply call start() again.
        await consumer?.disconnect().catch(() => {});
        consumer = undefined;
        await admin.disconnect().catch(() => {});
        throw err;
      }
      const topics = current;
      log.info('kafka tap started', { brokers: cfg.brokers, group: cfg.group_id, topics: topics.length });
      scheduleRefresh();
    },
    async stop() {
      stopping = true;
      if (watch) clearTimeout(watch);
      await rebuilding;
      if (consumer) {
        await pipeline.quiesce(consumer, current);
        await consumer.disconnect();
      }
      await pipeline.close();
      await admin.disconnect();
    },
    backlog: () => pipeline.backlog(),
    topics: () => current,
  };
}
