// The Kafka tap: its own consumer group reads every matching topic and stores one row per record.
// Exactly-once into the store: offsets are committed only after the insert, and on (re)assignment the tap
// skips offsets at or below the highest offset already stored for that partition (kept by a projection in the
// same insert), so a batch stored just before a crash is not stored twice. Inserts overlap the next fetch; the
// drain assigner (drain-assigner.ts) keeps that safe when partitions move between members.
// kafkajs fixes a consumer's subscription at run(), so a metadata watch rebuilds the consumer when the set of
// matching topics changes. Every subscription reads from the beginning when the group has no committed offset;
// "start at latest" on the very first start is done by committing the end offsets once, before consuming.
import { Kafka, logLevel, PartitionAssigners, type Admin, type KafkaConfig, type SASLOptions, type Consumer, type EachBatchPayload, type KafkaMessage, type LogEntry } from 'kafkajs';
import type { Config } from '@rollcall/core/config/schema';
import type { SchemaRow } from '@rollcall/core/event';
import type { Logger } from '@rollcall/core/log';
import type { TapTelemetry } from '@rollcall/core/telemetry';
import { backoffDelay, sleep } from '@rollcall/core/retry';
import { DRAIN_MARKER_PREFIX, hasMarker, setMarker } from '@rollcall/core/store/queries';
import type { TapHealth } from '@rollcall/core/tap-health';
import type { Store } from '@rollcall/core/store';
import { kafkaRecordToEvent } from '../metadata/kafka.ts';
import { createBatchWriter, type Submission } from '../writer/batch-writer.ts';
import { registerKafkaCodecs } from './codecs.ts';
import { DRAIN_PROTOCOL, drainAssigner } from './drain-assigner.ts';
import { incarnationHighWater, startIncarnation, storedAsIs, type PartitionMarks } from './incarnation.ts';
import { sameTopics, selectTopics } from './topics.ts';

export interface KafkaTapDeps {
  config: Config;
  store: Store;
  log: Logger;
  now?: () => number;
  onInserted?: (rows: number, ms: number) => void;
  telemetry?: TapTelemetry;
  health?: TapHealth;
}

interface PartitionBatch {
  topic: string;
  partition: number;
  first: number;
  last: number;
}

/** Partitions processed at once: the tap's and the benchmark baseline's setting. */
export const TAP_CONCURRENCY = 4;

/** Fetch sizes: a partition's fetch (at most 4 MB) becomes one insert, small enough that fetching and decoding the
 * next one overlaps it, large enough that the insert's fixed cost is spread over thousands of rows. */
export const TAP_FETCH = { maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 64 * 1024 * 1024, maxWaitTimeInMs: 250 } as const;

export interface KafkaTap {
  start(): Promise<void>;
  stop(): Promise<void>;
  topics(): string[];
  /** Rows received and not yet stored. */
  backlog(): number;
}

/** Connection options for kafkajs from config: brokers, TLS and SASL. */
export function kafkaClientOptions(cfg: Config['kafka']): KafkaConfig {
  const { sasl } = cfg;
  return {
    clientId: cfg.client_id,
    brokers: cfg.brokers,
    ssl: cfg.ssl,
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions } : {}),
  };
}

/** Retries what kafkajs marks retriable (coordinator moves, leader elections) for up to about half a minute. */
export async function retryRetriable<T>(op: () => Promise<T>, log: Logger, attempts = 12): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || attempt + 1 >= attempts) throw err;
      const delay = backoffDelay(attempt, 5000, 250);
      log.debug('retriable Kafka error; retrying', { err, delay_ms: delay });
      await sleep(delay);
    }
  }
}

export function kafkaLogCreator(log: Logger) {
  return () => (entry: LogEntry) => {
    const { message, ...rest } = entry.log;
    const fields = { namespace: entry.namespace, ...rest };
    if (entry.level <= logLevel.ERROR) log.error(`kafkajs: ${message}`, fields);
    else if (entry.level === logLevel.WARN) log.warn(`kafkajs: ${message}`, fields);
  };
}

export const KAFKA_TAP = 'kafka';

export function createKafkaTap({ config, store, log: parentLog, now = Date.now, onInserted, telemetry, health }: KafkaTapDeps): KafkaTap {
  registerKafkaCodecs();
  const cfg = config.kafka;
  const log = parentLog.child({ tap: 'kafka', cluster: cfg.cluster });
  const kafka = new Kafka({ ...kafkaClientOptions(cfg), logLevel: logLevel.WARN, logCreator: kafkaLogCreator(log) });
  const admin: Admin = kafka.admin();
  let consumer: Consumer | undefined;
  // Consumers kafkajs gave up on: they are never paused, stopped or reused.
  const crashed = new WeakSet<Consumer>();
  let current: string[] = [];
  let watch: NodeJS.Timeout | undefined;
  let assigned = 1;
  let stopping = false;
  let rebuilding: Promise<void> = Promise.resolve();
  // topic → partition → highest stored offset. Reloaded on every group join: another member may have stored more.
  const highWater = new Map<string, PartitionMarks>();

  const writer = createBatchWriter<PartitionBatch>({
    store,
    log,
    batchSize: config.writer.batch_size,
    flushIntervalMs: config.writer.flush_interval,
    maxRetryDelayMs: config.writer.max_retry_delay,
    // Inserts of different partitions run side by side: while kafkajs decodes a multi-partition fetch (hundreds
    // of milliseconds on the main thread) the store has the other partitions' inserts to work on, instead of
    // idling until the main thread can start the next one. Each partition's own inserts still run in order.
    maxInFlight: TAP_CONCURRENCY,
    maxPending: () => Math.max(1, Math.min(TAP_CONCURRENCY, assigned)),
    tokenFor: (batch) => `kafka/${cfg.cluster}/` + batch.map(({ meta: b }) => `${b.topic}:${b.partition}:${b.first}-${b.last}`).join(','),
    onInserted: ({ rows, ms }) => {
      onInserted?.(rows.length, ms);
      telemetry?.stored('kafka', rows, ms);
      const undecodable = rows.filter((r) => r.parse_error.startsWith('undecodable ')).length;
      if (undecodable) log.error('stored records of a batch the tap could not decompress, with the reason as their parse_error', { rows: undecodable, reason: rows.find((r) => r.parse_error.startsWith('undecodable '))?.parse_error });
    },
    onInsertFailed: () => telemetry?.insertFailed('kafka'),
  });

  const storedHighWater = async (topic: string): Promise<PartitionMarks> => {
    let marks = highWater.get(topic);
    if (!marks) {
      marks = await incarnationHighWater(store, cfg.cluster, topic);
      highWater.set(topic, marks);
    }
    return marks;
  };

  /** The highest offset already stored in this partition, confirmed on the last record it would skip: if that
   * record is not the one stored at its offset, the partition's offsets restarted (see incarnation.ts). */
  const floorFor = async (topic: string, partition: number, messages: KafkaMessage[], marks: PartitionMarks): Promise<number> => {
    const floor = marks.offsets.get(partition) ?? -1;
    let probe: KafkaMessage | undefined;
    for (const message of messages) {
      if (Number(message.offset) > floor) break;
      probe = message;
    }
    if (!probe) return floor;
    const { row } = kafkaRecordToEvent(probe, { cluster: cfg.cluster, topic, partition, observedAt: now(), extract: config.extract });
    if (await storedAsIs(store, cfg.cluster, topic, partition, marks.since.get(partition) ?? 0, row)) return floor;
    const at = now();
    await startIncarnation(store, cfg.cluster, topic, partition, at);
    marks.offsets.delete(partition);
    marks.since.set(partition, at);
    log.warn('a partition restarted its offsets (topic deleted and created again?); counting it from its first record', { topic, partition, stored_up_to: floor });
    return -1;
  };

  /** One fetched batch's rows (offsets already stored by an earlier run are skipped). Schemas seen for the first
   * time are stored straight away, ahead of every insert that could hold rows using them. */
  const extract = (topic: string, partition: number, messages: KafkaMessage[], floor: number): Submission<PartitionBatch> | undefined => {
    const observedAt = now();
    const ctx = { cluster: cfg.cluster, topic, partition, observedAt, extract: config.extract };
    const rows: Submission<PartitionBatch>['rows'] = [];
    const schemas: SchemaRow[] = [];
    for (const message of messages) {
      if (Number(message.offset) <= floor) continue; // stored by an earlier run before it could commit
      const { row, paths } = kafkaRecordToEvent(message, ctx);
      rows.push(row);
      if (writer.isNewSchema(row.schema_fingerprint)) {
        schemas.push({ fingerprint: row.schema_fingerprint, broker: 'kafka', stream: topic, event_type: row.event_type, paths, first_seen: observedAt });
      }
    }
    writer.storeSchemas(schemas);
    const first = rows[0];
    const last = rows.at(-1);
    return first && last ? { rows, meta: { topic, partition, first: first.offset, last: last.offset } } : undefined;
  };

  // Pipelining: eachBatch hands a fetch's rows to the writer and returns while they are inserted, so kafkajs
  // fetches and decodes the next batch meanwhile; that batch then waits for this one's insert, which bounds what
  // is held to two fetches per partition. Offsets are committed after each insert, in order. What makes it safe
  // across rebalances is the drain assigner: partitions are handed out only once every member's inserts landed.
  const inflight = new Map<string, Promise<void>>();
  // topic\0partition → the partition's last submission, settled once stored. The next fetch's rows are submitted
  // only after it: the high-water mark read after a crash must never have a gap below it. A submission that
  // failed stays here until the next group join, so nothing of that partition is stored above its rows.
  const stored = new Map<string, Promise<void>>();
  const failed = new Set<string>();
  const storing = new Set<Promise<void>>();
  let generation = 0;
  let pipelined = false;
  let active = 0;

  const track = (key: string, storedNow: Promise<void>) => {
    stored.set(key, storedNow);
    storing.add(storedNow);
    storedNow.then(
      () => {
        storing.delete(storedNow);
        if (stored.get(key) === storedNow) stored.delete(key);
      },
      () => {
        storing.delete(storedNow);
        failed.add(key);
      },
    );
  };
  /** Submits once the partition's previous submission is stored; meanwhile the writer knows one is waiting. */
  const afterStored = (storedBefore: Promise<void>, submission: Submission<PartitionBatch>): Promise<void> => {
    const release = writer.hold();
    return storedBefore.then(
      () => {
        release();
        return writer.submit(submission);
      },
      (err: unknown) => {
        release();
        throw err;
      },
    );
  };
  /** Rows handed to this tap that are not stored yet, submitted to the writer or still waiting their turn. */
  const outstanding = () => writer.busy() || storing.size > 0;
  const allStored = () => Promise.allSettled([...storing]).then(() => writer.idle());

  // Watermark: kafkajs fetches from each broker in a loop, handing a fetch's batches over before starting the
  // next. When a fetch starts and no partition was left behind by the previous one (every batch reached the
  // partition's end), everything appended before the previous fetch started has been read; once it is stored
  // too, that time is the watermark. Fetches whose rows are not stored yet hold it back.
  const fetchStarts = new Map<number, number>(); // broker node → start of its fetch in progress
  const caughtUp = new Map<number, number>(); // broker node → start of its last fetch that left nothing behind
  const behind = new Set<string>(); // partitions whose last batch did not reach their end
  const unstoredFetches = new Map<number, number>(); // fetch start → its submissions not yet stored
  const reportWatermark = () => {
    if (caughtUp.size === 0) return;
    let mark = Math.min(...caughtUp.values());
    for (const fetchedAt of unstoredFetches.keys()) mark = Math.min(mark, fetchedAt);
    health?.watermark(KAFKA_TAP, mark);
  };
  const fetchStarted = (node: number) => {
    const previous = fetchStarts.get(node);
    if (previous !== undefined && behind.size === 0) caughtUp.set(node, previous);
    fetchStarts.set(node, now());
    reportWatermark();
  };
  const holdWatermark = (fetchedAt: number, storedNow: Promise<void>) => {
    unstoredFetches.set(fetchedAt, (unstoredFetches.get(fetchedAt) ?? 0) + 1);
    const release = () => {
      const left = (unstoredFetches.get(fetchedAt) ?? 1) - 1;
      if (left > 0) unstoredFetches.set(fetchedAt, left);
      else unstoredFetches.delete(fetchedAt);
      reportWatermark();
    };
    storedNow.then(release, release);
  };

  const eachBatch = async (owner: Consumer, { batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload) => {
    const { topic, partition } = batch;
    const fetchedAt = fetchStarts.size ? Math.min(...fetchStarts.values()) : now();
    if (batch.offsetLag() === '0') behind.delete(`${topic}\0${partition}`);
    else behind.add(`${topic}\0${partition}`);
    active++;
    const beat = setInterval(() => heartbeat().catch(() => {}), 3000);
    try {
      const marks = await storedHighWater(topic);
      const submission = extract(topic, partition, batch.messages, await floorFor(topic, partition, batch.messages, marks));
      // Resolving moves kafkajs's fetch position past this batch (commits stay manual, after the insert);
      // left unresolved, kafkajs fetches the same records again.
      resolveOffset(batch.lastOffset());
      const key = `${topic}\0${partition}`;
      const before = inflight.get(key);
      if (submission) marks.offsets.set(partition, submission.meta.last);
      const joined = generation;
      const next = String(Number(batch.lastOffset()) + 1);
      const storedBefore = stored.get(key) ?? Promise.resolve();
      const storedNow = submission ? afterStored(storedBefore, submission) : storedBefore;
      track(key, storedNow);
      if (submission) holdWatermark(fetchedAt, storedNow);
      // Committed after this batch's rows and every earlier batch of the partition are stored, also when all of
      // its records were stored before (after a crash): otherwise our own group would show lag that is not there.
      const done = Promise.all([storedNow, before]).then(async () => {
        // A commit from an earlier generation could move a partition that is now another member's backwards.
        if (joined !== generation || !isRunning() || isStale()) return;
        await owner.commitOffsets([{ topic, partition, offset: next }]).catch((err: unknown) => {
          // The rows are stored; a lost commit only means re-reading them, which the high-water mark absorbs.
          log.warn('offset commit failed after insert', { err, topic, partition });
        });
      });
      done.catch(() => {}); // observed by the next batch of this partition, or by quiesce()
      inflight.set(key, done);
      if (!pipelined) await done;
      await before;
    } finally {
      clearInterval(beat);
      active--;
    }
  };

  /** Stop fetching and wait until every fetched row is stored: leaving the group before that would let another
   * member take a partition whose insert is still running, which the drain assigner cannot see once we left.
   * Bounded, so a store that is down cannot hold a shutdown forever (unstored rows were never committed). */
  const quiesce = async (owner: Consumer, graceMs = 10_000) => {
    owner.pause(current.map((topic) => ({ topic })));
    const deadline = Date.now() + graceMs;
    while (active > 0 && Date.now() < deadline) await sleep(10);
    const settled = allStored().then(() => Promise.allSettled(inflight.values())); // inserts, then their commits
    const timeout = new AbortController();
    const drained = await Promise.race([settled.then(() => true), sleep(Math.max(0, deadline - Date.now()), timeout.signal).then(() => false, () => false)]);
    timeout.abort();
    if (!drained) log.warn('leaving the consumer group with inserts still outstanding', { grace_ms: graceMs, backlog: writer.backlog() });
    inflight.clear();
  };

  // Drain tickets: a join while inserts are outstanding gets one, and its marker is stored once they are done.
  let tickets = 0;
  const drainMarker = (ticket: string) => `${DRAIN_MARKER_PREFIX}${cfg.cluster}/${cfg.group_id}/${ticket}`;
  const storeMarker = async (name: string) => {
    for (let attempt = 0; !stopping || attempt < 3; attempt++) {
      try {
        await setMarker(store, name, now());
        return;
      } catch (err) {
        log.warn('could not store a drain marker; retrying', { err, marker: name });
        await sleep(backoffDelay(attempt, config.writer.max_retry_delay, 250));
      }
    }
  };
  const assigner = drainAssigner({
    ticket: () => {
      if (!outstanding()) return undefined;
      const ticket = `${store.run}-${++tickets}`;
      void allStored().then(() => storeMarker(drainMarker(ticket)));
      return ticket;
    },
    drained: (ticket) => hasMarker(store, drainMarker(ticket)),
    timeoutMs: Math.max(5000, cfg.session_timeout - 5000),
    log,
  });
  // Round robin as well, so a group with members of an older version (during a rolling upgrade) still forms.
  const assigners = [assigner, PartitionAssigners.roundRobin];

  // kafkajs's admin.setOffsets does this one topic at a time, each with its own group join (about 5 s apiece):
  // one paused consumer seeks every topic to its end and commits that when it stops.
  const seekAllToEnd = async (topics: string[]) => {
    const ends = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })));
    const seeker = kafka.consumer({ groupId: cfg.group_id, partitionAssigners: assigners });
    await seeker.connect();
    try {
      await seeker.subscribe({ topics, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        seeker.on(seeker.events.FETCH, () => void seeker.stop().then(resolve, reject));
        seeker.run({ eachBatchAutoResolve: false, eachBatch: async () => {} }).catch(reject);
        seeker.pause(topics.map((topic) => ({ topic })));
        for (const { topic, partitions } of ends) for (const p of partitions) seeker.seek({ topic, partition: p.partition, offset: p.high });
      });
    } finally {
      await seeker.disconnect();
    }
  };

  /** On the group's very first start, begin at the end of every existing topic ("latest"). */
  const commitLatestOnFirstStart = async (topics: string[]) => {
    const marker = `kafka-first-start/${cfg.cluster}/${cfg.group_id}`;
    if (cfg.start === 'earliest' || (await hasMarker(store, marker))) return;
    // A broker that has never hosted a group answers NOT_COORDINATOR until __consumer_offsets exists.
    const committed = await retryRetriable(() => admin.fetchOffsets({ groupId: cfg.group_id, topics }), log);
    const fresh = committed.filter(({ partitions }) => partitions.every((p) => Number(p.offset) < 0)).map(({ topic }) => topic);
    if (fresh.length) {
      await seekAllToEnd(fresh);
      log.info('first start: reading from the end of each existing topic', { topics: fresh.length });
    }
    await setMarker(store, marker, now());
  };

  const runConsumer = async (topics: string[]) => {
    if (consumer) {
      await quiesce(consumer);
      await consumer.disconnect();
    }
    consumer = undefined;
    current = topics;
    fetchStarts.clear();
    caughtUp.clear();
    behind.clear();
    if (topics.length === 0) return;
    highWater.clear();
    // No auto-creation: the tap's metadata requests must never bring back a topic a user just deleted.
    const next = kafka.consumer({ groupId: cfg.group_id, ...TAP_FETCH, allowAutoTopicCreation: false, sessionTimeout: cfg.session_timeout, heartbeatInterval: Math.min(3000, cfg.session_timeout / 3), partitionAssigners: assigners });
    next.on(next.events.CRASH, ({ payload }) => onCrash(next, payload.error, payload.restart));
    next.on(next.events.FETCH_START, ({ payload }) => fetchStarted(payload.nodeId));
    next.on(next.events.GROUP_JOIN, (e) => {
      highWater.clear();
      behind.clear(); // partitions may have moved; the next batches say where they stand
      // Partitions are read again from their committed offsets: a failed submission no longer blocks them.
      for (const key of failed) stored.delete(key);
      failed.clear();
      generation++;
      // Only a group that agreed on the drain protocol may pipeline (a mixed-version group falls back to waiting).
      pipelined = e.payload.groupProtocol === DRAIN_PROTOCOL;
      assigned = Object.values(e.payload.memberAssignment).reduce((n, parts) => n + parts.length, 0);
      log.info('joined consumer group', { group: cfg.group_id, partitions: assigned, pipelined });
      health?.up(KAFKA_TAP);
    });
    await next.connect();
    await next.subscribe({ topics, fromBeginning: true });
    await next.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: TAP_CONCURRENCY, eachBatch: (payload) => eachBatch(next, payload) });
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
    else log.info('topic set changed; resubscribing', { topics: topics.length, added: topics.filter((t) => !current.includes(t)) });
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
        await commitLatestOnFirstStart(topics);
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
        await quiesce(consumer);
        await consumer.disconnect();
      }
      await writer.close();
      await admin.disconnect();
    },
    backlog: () => writer.backlog(),
    topics: () => current,
  };
}
