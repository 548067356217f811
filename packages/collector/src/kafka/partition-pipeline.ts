// The Kafka tap's partition pipeline: each fetched batch becomes one insert, skipping offsets an earlier run
// stored, and its offset is committed once it and every earlier batch of the partition are stored.
//
// Pipelining: eachBatch hands a fetch's rows to the writer and returns while they are inserted, so kafkajs
// fetches and decodes the next batch meanwhile; that batch then waits for this one's insert, which bounds what
// is held to two fetches per partition (at `counts`, where a fetch leaves only a tally, later fetches fold into the
// partition's next submission while its previous insert runs: see gathering).
// Offsets are committed after each insert, in order. What makes it safe across rebalances is the drain assigner:
// partitions are handed out only once every member's inserts landed.
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { auditLevels } from '@rollcall/core/audit';
import type { Config } from '@rollcall/core/config/schema';
import type { SchemaRow } from '@rollcall/core/event';
import type { Logger } from '@rollcall/core/log';
import { sleep } from '@rollcall/core/retry';
import { createCountTally, type Counted, type Store } from '@rollcall/core/store';
import type { TapTelemetry } from '@rollcall/core/telemetry';
import { countedKafkaRecord, kafkaRecordToEvent, type KafkaContext } from '../metadata/kafka.ts';
import { createBatchWriter, type Submission } from '../writer/batch-writer.ts';
import { incarnationHighWater, startIncarnation, storedAsIs, type PartitionMarks } from './incarnation.ts';
import { isUndecodable } from './codecs.ts';
import { createFetchWatermark } from './watermark.ts';

export interface PartitionPipelineDeps {
  config: Config;
  store: Store;
  log: Logger;
  now: () => number;
  /** Partitions processed at once, and inserts of different partitions run side by side. */
  concurrency: number;
  onInserted?: (rows: number, ms: number) => void;
  onFetched?: (records: number) => void;
  telemetry?: TapTelemetry;
  onWatermark: (mark: number) => void;
}

export interface PartitionPipeline {
  /** kafkajs's eachBatch for the consumer `owner`. */
  eachBatch(owner: Consumer, payload: EachBatchPayload): Promise<void>;
  /** A broker node starts a fetch (kafkajs's FETCH_START). */
  fetchStarted(node: number): void;
  /** A fetched batch of the consumer `owner` held only transaction markers or aborted records: kafkajs hands it to
   * no eachBatch and only reports it (START_BATCH_PROCESS, batchSize 0). `lastOffset` is its last record's. */
  filteredBatch(owner: Consumer, topic: string, partition: number, offsetLag: string, lastOffset: string): void;
  /** A new consumer replaces the old one. */
  consumerReplaced(): void;
  /** Stored high-water marks are read again before the next batch of each topic. */
  forgetHighWater(): void;
  /** The consumer joined its group, pipelining when the whole group speaks the drain protocol. */
  groupJoined(pipelined: boolean, assigned: number): void;
  /** Stop fetching and wait (bounded) until every fetched row is stored and committed. */
  quiesce(owner: Consumer, topics: string[], graceMs?: number): Promise<void>;
  /** Rows handed to this tap that are not stored yet, submitted to the writer or still waiting their turn. */
  outstanding(): boolean;
  /** Settles once every row handed to the tap so far is stored (or failed). Open `counts` gatherings are sealed:
   * whoever waits for this (a drain ticket at a join) must not wait a flush interval for fetches that will not
   * come while the group rebalances. */
  allStored(): Promise<void>;
  /** Rows received and not yet stored. */
  backlog(): number;
  close(): Promise<void>;
}

interface PartitionBatch {
  topic: string;
  partition: number;
  first: number;
  last: number;
}

export function createPartitionPipeline({
  config,
  store,
  log,
  now,
  concurrency,
  onInserted,
  onFetched,
  telemetry,
  onWatermark,
}: PartitionPipelineDeps): PartitionPipeline {
  const cfg = config.kafka;
  let assigned = 1;
  // topic → partition → highest stored offset. Reloaded on every group join: another member may have stored more.
  const highWater = new Map<string, PartitionMarks>();
  const auditLevel = auditLevels(config.audit);

  const writer = createBatchWriter<PartitionBatch>({
    store,
    log,
    batchSize: config.writer.batch_size,
    flushIntervalMs: config.writer.flush_interval,
    maxRetryDelayMs: config.writer.max_retry_delay,
    // Inserts of different partitions run side by side: while kafkajs decodes a multi-partition fetch (hundreds
    // of milliseconds on the main thread) the store has the other partitions' inserts to work on, instead of
    // idling until the main thread can start the next one. Each partition's own inserts still run in order.
    maxInFlight: concurrency,
    maxPending: () => Math.max(1, Math.min(concurrency, assigned)),
    tokenFor: (batch) =>
      `kafka/${cfg.cluster}/` + batch.map(({ meta: b }) => `${b.topic}:${b.partition}:${b.first}-${b.last}`).join(','),
    onInserted: ({ rows, counted, messages, ms }) => {
      onInserted?.(messages, ms);
      telemetry?.stored('kafka', rows, ms, counted);
      const undecodable = rows.filter((r) => r.parse_error.startsWith('undecodable ')).length;
      if (undecodable)
        reportUndecodable(undecodable, rows.find((r) => r.parse_error.startsWith('undecodable '))?.parse_error);
    },
    onInsertFailed: () => telemetry?.insertFailed('kafka'),
  });

  const reportUndecodable = (records: number, reason: string | undefined) =>
    log.error('records of a batch the tap could not decompress are counted at their offsets (rows say why)', {
      rows: records,
      reason,
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
   * record is not the one stored at its offset, the partition's offsets restarted (see incarnation.ts). Where the
   * store cannot say (a `counts` topic), a log that ends at or below the stored offset has restarted too. */
  const floorFor = async (
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    marks: PartitionMarks,
    logEnd: number,
  ): Promise<number> => {
    const floor = marks.offsets.get(partition) ?? -1;
    let probe: KafkaMessage | undefined;
    for (const message of messages) {
      if (Number(message.offset) > floor) break;
      probe = message;
    }
    if (!probe) return floor;
    const { row } = kafkaRecordToEvent(probe, {
      cluster: cfg.cluster,
      topic,
      partition,
      observedAt: now(),
      extract: config.extract,
    });
    const stored = await storedAsIs(store, cfg.cluster, topic, partition, marks.since.get(partition) ?? 0, row);
    if (stored === 'same' || (stored === 'unknown' && logEnd > floor)) return floor;
    const at = now();
    await startIncarnation(store, cfg.cluster, topic, partition, at);
    marks.offsets.delete(partition);
    marks.since.set(partition, at);
    log.warn(
      'a partition restarted its offsets (topic deleted and created again?); counting it from its first record',
      { topic, partition, stored_up_to: floor },
    );
    return -1;
  };

  /** One fetched batch's rows (offsets already stored by an earlier run are skipped). Schemas seen for the first
   * time are stored straight away, ahead of every insert that could hold rows using them. */
  const extract = (
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    floor: number,
    gathered: Submission<PartitionBatch> | undefined,
  ): Submission<PartitionBatch> | undefined => {
    const observedAt = now();
    const level = auditLevel('kafka', topic);
    const ctx = { cluster: cfg.cluster, topic, partition, observedAt, extract: config.extract, level };
    if (level === 'counts') return tallied(ctx, messages, floor, gathered);
    const rows: Submission<PartitionBatch>['rows'] = [];
    const schemas: SchemaRow[] = [];
    for (const message of messages) {
      if (Number(message.offset) <= floor) continue; // stored by an earlier run before it could commit
      const { row, paths } = kafkaRecordToEvent(message, ctx);
      rows.push(row);
      if (level === 'rows' && writer.isNewSchema(row.schema_fingerprint)) {
        schemas.push({
          fingerprint: row.schema_fingerprint,
          broker: 'kafka',
          stream: topic,
          event_type: row.event_type,
          paths,
          first_seen: observedAt,
        });
      }
    }
    writer.storeSchemas(schemas);
    const first = rows[0];
    const last = rows.at(-1);
    return first && last
      ? { rows, meta: { topic, partition, first: first.offset, last: last.offset }, level }
      : undefined;
  };

  /** At `counts` a fetch is folded straight into exact counts: no row per record, which at this level would only
   * be counted by the writer (a third of the tap's time at 100k msg/s, most of it in the garbage collector). A fetch
   * that follows the partition's gathering submission (see gathering) is folded into it and extends its range. */
  const tallied = (
    ctx: KafkaContext,
    messages: KafkaMessage[],
    floor: number,
    gathered: Submission<PartitionBatch> | undefined,
  ): Submission<PartitionBatch> | undefined => {
    const tally = gathered?.tally ?? createCountTally();
    const scratch = countScratch();
    let first = -1;
    let last = -1;
    let undecodable = 0;
    let reason: string | undefined;
    for (const message of messages) {
      const offset = Number(message.offset);
      if (offset <= floor) continue; // stored by an earlier run before it could commit
      tally.add(countedKafkaRecord(message, ctx, scratch));
      if (first < 0) first = offset;
      last = offset;
      if (isUndecodable(message.key)) {
        undecodable++;
        reason ??= message.value?.toString('utf8');
      }
    }
    // Counts keep no parse_error: the reason is logged now, where a row would have carried it.
    if (undecodable) reportUndecodable(undecodable, reason);
    if (first < 0) return gathered;
    if (gathered) {
      gathered.meta.last = last;
      return gathered;
    }
    const { topic, partition } = ctx;
    return { rows: [], tally, meta: { topic, partition, first, last }, level: 'counts' };
  };

  const inflight = new Map<string, Promise<void>>();
  // topic\0partition → the partition's last submission, settled once stored. The next fetch's rows are submitted
  // only after it: the high-water mark read after a crash must never have a gap below it. A submission that
  // failed stays here until the next group join, so nothing of that partition is stored above its rows.
  const stored = new Map<string, Promise<void>>();
  const failed = new Set<string>();
  const storing = new Set<Promise<void>>();
  // topic\0partition of the partitions whose last fetch did not reach the end of their log → when their first
  // fetch in a row that did not.
  const behind = new Map<string, number>();
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
  /** Submits once the partition's previous submission is stored; meanwhile the writer knows one is waiting.
   * `handedOn` runs first either way: after it nothing may be folded into the submission. */
  const afterStored = (
    storedBefore: Promise<void>,
    submission: Submission<PartitionBatch>,
    handedOn?: () => void,
  ): Promise<void> => {
    const release = writer.hold();
    return storedBefore.then(
      () => {
        handedOn?.();
        release();
        return writer.submit(submission);
      },
      (err: unknown) => {
        handedOn?.();
        release();
        throw err;
      },
    );
  };
  // topic\0partition → the partition's `counts` submission not handed to the writer yet. Later fetches fold into it
  // until it is sealed, so a partition catching up makes an insert a second or so instead of one per fetch: each
  // insert writes a part to event_counts, its projection and both rollups, tens of milliseconds of the store's
  // CPU however few count rows it holds. It goes to the writer once sealed and the previous submission is stored.
  const gathering = new Map<string, Gathering>();
  const gather = (key: string, submission: Submission<PartitionBatch>, storedBefore: Promise<void>) => {
    let seal = () => {};
    const sealed = new Promise<void>((resolve) => (seal = resolve));
    const timer = setTimeout(seal, config.writer.flush_interval);
    const entry: Gathering = {
      submission,
      after: storedBefore,
      fetches: 1,
      seal: () => {
        clearTimeout(timer);
        seal();
      },
      stored: afterStored(
        Promise.all([storedBefore, sealed]).then(() => {}),
        submission,
        () => {
          if (gathering.get(key) === entry) gathering.delete(key);
          clearTimeout(timer);
          // Already gathered for up to a flush interval: waiting in the writer for other partitions would only
          // hold back this partition, whose next gathering waits for it.
          submission.urgent = true;
        },
      ),
    };
    gathering.set(key, entry);
    return entry;
  };
  const sealAll = () => {
    for (const entry of gathering.values()) entry.seal();
    gathering.clear();
  };
  const outstanding = () => writer.busy() || storing.size > 0;
  const allStored = () => Promise.allSettled([...storing]).then(() => writer.idle());

  const watermark = createFetchWatermark(now, onWatermark);

  /** Notes whether the partition's last fetch reached the end of its log; true when it did after catching up a
   * backlog for a flush interval or more. A partition read at about the rate it is written ends one fetch short
   * of its log and the next at its end, over and over: treating each of those as a caught-up backlog made every
   * other fetch an insert of its own (more, smaller inserts just when the tap has least to spare), while the
   * writer's own flush would store those rows about as soon. */
  const reachedEnd = (key: string, caughtUp: boolean): boolean => {
    const since = behind.get(key);
    if (!caughtUp) {
      if (since === undefined) behind.set(key, now());
      return false;
    }
    behind.delete(key);
    return since !== undefined && now() - since >= config.writer.flush_interval;
  };

  /** Commits the offset after `lastOffset` once `storedNow` and the partition's earlier commits are done, unless the
   * group has moved on (a new generation, or `current()` false); it becomes the partition's latest commit. */
  const commitAfter = (
    owner: Consumer,
    topic: string,
    partition: number,
    lastOffset: string,
    storedNow: Promise<void> | undefined,
    current: () => boolean,
  ): Promise<void> => {
    const key = `${topic}\0${partition}`;
    const joined = generation;
    const done = Promise.all([storedNow, inflight.get(key)]).then(async () => {
      // A commit from an earlier generation could move a partition that is now another member's backwards.
      if (joined !== generation || !current()) return;
      const offset = String(Number(lastOffset) + 1);
      await owner.commitOffsets([{ topic, partition, offset }]).catch((err: unknown) => {
        // The rows are stored; a lost commit only means re-reading them, which the high-water mark absorbs.
        log.warn('offset commit failed after insert', { err, topic, partition });
      });
    });
    done.catch(() => {}); // observed by the next batch of this partition, or by quiesce()
    inflight.set(key, done);
    return done;
  };

  const eachBatch = async (
    owner: Consumer,
    { batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload,
  ) => {
    const { topic, partition } = batch;
    const key = `${topic}\0${partition}`;
    const caughtUp = batch.offsetLag() === '0';
    const fetchedAt = watermark.batchFetched(key, caughtUp);
    onFetched?.(batch.messages.length);
    active++;
    const beat = setInterval(() => heartbeat().catch(() => {}), 3000);
    try {
      const marks = await storedHighWater(topic);
      const floor = await floorFor(topic, partition, batch.messages, marks, Number(batch.highWatermark));
      let open = pipelined ? gathering.get(key) : undefined;
      if (open && floor < open.submission.meta.last) {
        // The partition restarted its offsets (see floorFor): its new records never share an insert with the old.
        open.seal();
        gathering.delete(key);
        open = undefined;
      }
      const submission = extract(topic, partition, batch.messages, floor, open?.submission);
      // Resolving moves kafkajs's fetch position past this batch (commits stay manual, after the insert);
      // left unresolved, kafkajs fetches the same records again.
      resolveOffset(batch.lastOffset());
      if (submission) marks.offsets.set(partition, submission.meta.last);
      // A partition that reached the end of its log after a long backlog has its submission stored at once.
      if (reachedEnd(key, caughtUp) && submission) submission.urgent = true;
      const storedBefore = stored.get(key) ?? Promise.resolve();
      // What this fetch waits for before kafkajs may hand over the partition's next one (see the end).
      let pace: Promise<void> | undefined = storedBefore;
      let storedNow: Promise<void>;
      if (open && submission === open.submission) {
        // Folded into the gathering submission, which is tracked already. A partition that reached the end of its
        // log goes to the store as soon as its previous insert is done; one that gathered TALLIES_AHEAD fetches
        // waits for that insert before fetching more.
        storedNow = open.stored;
        pace = undefined;
        if (caughtUp) open.seal();
        if (++open.fetches >= TALLIES_AHEAD) {
          open.seal();
          pace = open.after;
        }
      } else if (submission?.level === 'counts' && pipelined) {
        const entry = gather(key, submission, storedBefore);
        if (caughtUp) entry.seal();
        storedNow = entry.stored;
        pace = failed.has(key) ? storedBefore : undefined;
        track(key, storedNow);
      } else {
        storedNow = submission ? afterStored(storedBefore, submission) : storedBefore;
        track(key, storedNow);
      }
      if (submission) watermark.hold(fetchedAt, storedNow);
      // Committed after this batch's rows and every earlier batch of the partition are stored, also when all of
      // its records were stored before (after a crash): otherwise our own group would show lag that is not there.
      const done = commitAfter(owner, topic, partition, batch.lastOffset(), storedNow, () => isRunning() && !isStale());
      if (!pipelined) await done;
      // The next fetch waits for the previous batch's insert, not for its commit: a commit is a round trip to
      // the group coordinator. A tally holds no records, so at `counts` fetches run ahead of the store into the
      // gathering submission: waiting for each insert left the main thread idle a fifth of the time (bench:tap,
      // 3 partitions). Commits still go out in order, each after the insert holding its records (`done`); a
      // failed insert stops the partition at its next fetch.
      if (pace) await pace;
    } finally {
      clearInterval(beat);
      active--;
    }
  };

  /** A partition whose fetch held only a transaction's marker (or an aborted transaction) has reached the end of its
   * log if that was its last record: left counted as behind, it would hold the tap's watermark (and every rule
   * waiting for it) until the topic's next committed record. Its offset moves past the marker once the records
   * before it are stored, so the tap's own group shows no lag that is not there. */
  const filteredBatch = (owner: Consumer, topic: string, partition: number, offsetLag: string, lastOffset: string) => {
    const key = `${topic}\0${partition}`;
    const caughtUp = offsetLag === '0';
    watermark.batchFetched(key, caughtUp);
    reachedEnd(key, caughtUp);
    if (caughtUp) gathering.get(key)?.seal();
    void commitAfter(owner, topic, partition, lastOffset, stored.get(key), () => true);
  };

  /** Leaving the group before every fetched row is stored would let another member take a partition whose insert
   * is still running, which the drain assigner cannot see once we left. Bounded, so a store that is down cannot
   * hold a shutdown forever (unstored rows were never committed). */
  const quiesce = async (owner: Consumer, topics: string[], graceMs = 10_000) => {
    owner.pause(topics.map((topic) => ({ topic })));
    const deadline = Date.now() + graceMs;
    while (active > 0 && Date.now() < deadline) await sleep(10);
    sealAll();
    const settled = allStored().then(() => Promise.allSettled(inflight.values())); // inserts, then their commits
    const timeout = new AbortController();
    const drained = await Promise.race([
      settled.then(() => true),
      sleep(Math.max(0, deadline - Date.now()), timeout.signal).then(
        () => false,
        () => false,
      ),
    ]);
    timeout.abort();
    if (!drained)
      log.warn('leaving the consumer group with inserts still outstanding', {
        grace_ms: graceMs,
        backlog: writer.backlog(),
      });
    inflight.clear();
  };

  return {
    eachBatch,
    fetchStarted: (node) => watermark.fetchStarted(node),
    filteredBatch,
    consumerReplaced: () => watermark.restart(),
    forgetHighWater: () => highWater.clear(),
    groupJoined(groupPipelined, groupAssigned) {
      highWater.clear();
      watermark.regrouped();
      // Nothing read in the new generation folds into a submission of the old one.
      sealAll();
      behind.clear();
      // Partitions are read again from their committed offsets: a failed submission no longer blocks them.
      for (const key of failed) stored.delete(key);
      failed.clear();
      generation++;
      pipelined = groupPipelined;
      assigned = groupAssigned;
    },
    quiesce,
    outstanding,
    allStored: () => {
      sealAll();
      return allStored();
    },
    backlog: () => writer.backlog(),
    close: () => {
      sealAll();
      return writer.close();
    },
  };
}

/** Fetches of one partition a gathering submission holds before the partition waits for its previous insert:
 * a tally is a few count rows whatever its records, so this bounds how far a partition runs ahead of a slow store. */
const TALLIES_AHEAD = 8;

/** A partition's `counts` submission that later fetches fold into until it is handed to the writer. */
interface Gathering {
  submission: Submission<PartitionBatch>;
  /** Settles once the submission is stored. */
  stored: Promise<void>;
  /** The partition's previous submission stored. */
  after: Promise<void>;
  fetches: number;
  /** It may go once the previous submission is stored (otherwise it goes after writer.flush_interval). */
  seal: () => void;
}

/** The object a fetch's records are written into one after another at `counts` (see countedKafkaRecord). */
const countScratch = (): Counted => ({
  partition: 0,
  queue: '',
  broker: 'kafka',
  cluster: '',
  stream: '',
  kind: 'publish',
  event_type: '',
  source: '',
  offset: 0,
  size: 0,
  observed_at: 0,
  broker_ts: 0,
  key_hash: 0,
});
