// Batches event rows from one tap into ClickHouse inserts. A submission (a Kafka partition's fetch, or one
// RabbitMQ delivery) is never split across inserts, resolves only after its rows are stored, and waits while
// the store is down (retries back off, nothing is dropped). One insert is in flight at a time unless the source
// asks for more (maxInFlight); a source that does must keep its own order, because submissions then land in any
// order (the Kafka tap submits a partition's next fetch only once the previous one is stored).
import type { AuditLevel } from '@rollcall/core/audit';
import { eventTime, type EventRow, type SchemaRow } from '@rollcall/core/event';
import { hash53 } from '@rollcall/core/hash';
import type { Logger } from '@rollcall/core/log';
import { backoffDelay, sleep } from '@rollcall/core/retry';
import { countRows, type CountRow, type CountTally, type Store } from '@rollcall/core/store';

export interface Submission<M> {
  rows: EventRow[];
  /** Messages the source already folded into exact counts (audit level `counts`, no row per message): stored as
   * they are, beside the counts of `rows`. */
  tally?: CountTally;
  meta: M;
  /** How its stream is audited (default `rows`): a batch mixing levels becomes one insert per level. */
  level?: AuditLevel;
  /** Each row's level, where its rows' streams are audited differently (a RabbitMQ burst across exchanges): one
   * submission all the same, never split between batches, so it is stored or refused as a whole. */
  levels?: AuditLevel[];
  /** Messages acked with it that keep no row (a RabbitMQ burst's tap plumbing): they hold the reader's window all
   * the same, so they count towards maxPendingMessages, but are not stored. */
  unkept?: number;
  /** Its source has just caught up (a Kafka partition that reached the end of its log after a backlog): nothing of
   * that source follows soon, so waiting for a fuller batch would only delay the backlog's last rows. */
  urgent?: boolean;
}

export interface WriterOptions<M> {
  store: Pick<Store, 'insertEvents' | 'insertCounts' | 'insertSchemas'>;
  log: Logger;
  batchSize: number;
  flushIntervalMs: number;
  maxRetryDelayMs: number;
  /** Inserts running at once (default 1). More keeps the store busy while the source's thread is not free to
   * start the next insert, such as while kafkajs decodes a large fetch. */
  maxInFlight?: number;
  /** How many submissions can be outstanding before the source stalls waiting on us: flush at that point. */
  maxPending: () => number;
  /** The same in messages, for a source whose submissions each hold many (RabbitMQ's bursts). */
  maxPendingMessages?: () => number;
  /** Deterministic token naming exactly this batch's content. */
  tokenFor: (batch: Submission<M>[]) => string;
  /** Last chance to drop rows already stored by an earlier run (RabbitMQ redeliveries). */
  prepare?: (batch: Submission<M>[]) => Promise<Submission<M>[]>;
  /** `rows` are the rows stored, `counted` the counts of the messages that came as a tally, `messages` all the
   * messages the insert stored (rows and tallied). */
  onInserted?: (stats: {
    rows: EventRow[];
    counted: CountRow[];
    messages: number;
    ms: number;
    batch: Submission<M>[];
  }) => void;
  /** An insert attempt failed; it is retried with the same token. */
  onInsertFailed?: () => void;
  now?: () => number;
}

interface Pending<M> extends Submission<M> {
  resolve: () => void;
  reject: (err: Error) => void;
  at: number;
}

export interface BatchWriter<M> {
  submit(s: Submission<M>): Promise<void>;
  /** A source that will submit once an earlier submission of its own is stored says so here, and calls the
   * returned release when it submits (or gives up). Held submissions count towards maxPending: a source stalled
   * behind something buffered gets it flushed now rather than after the flush interval. */
  hold(): () => void;
  /** Stores new schema rows now, ahead of any events insert that starts after this call, so an event row never
   * points at a fingerprint whose paths are unknown (also when inserts run side by side). */
  storeSchemas(rows: SchemaRow[]): void;
  /** Rows waiting for an insert, for metrics and backpressure. */
  backlog(): number;
  /** True while anything submitted is not yet stored (buffered or being inserted). */
  busy(): boolean;
  /** The earliest event time of a row submitted and not yet stored: for a FIFO
   * source, everything before it is stored. Undefined when nothing is waiting. */
  unstoredSince(): number | undefined;
  /** Resolves once everything submitted so far is stored or has failed. */
  idle(): Promise<void>;
  /** True the first time a fingerprint is seen: taps build a schema row only then, not once per message. */
  isNewSchema(fingerprint: number): boolean;
  /** Flush what is buffered and stop accepting work. Past graceMs, retries stop and what is left is rejected
   * (never acked or committed, so the broker delivers it again after the restart). */
  close(graceMs?: number): Promise<void>;
}

export function createBatchWriter<M>(opts: WriterOptions<M>): BatchWriter<M> {
  const now = opts.now ?? Date.now;
  let buffer: Pending<M>[] = [];
  let buffered = 0; // messages, for backlog()
  let bufferedRows = 0; // rows the buffer's insert would hold, for batchSize
  let urgent = 0; // buffered submissions that are urgent
  const inFlight = new Set<Promise<void>>();
  const unstored = new Set<Pending<M>>();
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const stop = new AbortController();
  const seenSchemas = new Set<number>();
  let idleWaiters: (() => void)[] = [];
  let held = 0;
  // Schema inserts run one after another; every events insert waits for those started before it.
  let schemasStored: Promise<void> = Promise.resolve();
  const schemaInserts = new Set<Promise<void>>();
  const busy = () => buffer.length > 0 || inFlight.size > 0 || schemaInserts.size > 0;

  const due = () =>
    bufferedRows >= opts.batchSize ||
    buffer.length + held >= opts.maxPending() ||
    (opts.maxPendingMessages !== undefined && buffered >= opts.maxPendingMessages()) ||
    urgent > 0 ||
    (buffer[0] !== undefined && now() - buffer[0].at >= opts.flushIntervalMs) ||
    closed;

  const schedule = () => {
    if (!busy() && idleWaiters.length) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    while (inFlight.size < maxInFlight && buffer.length > 0 && due()) {
      const running: Promise<void> = run().finally(() => {
        inFlight.delete(running);
        schedule();
      });
      inFlight.add(running);
    }
    if (inFlight.size >= maxInFlight || buffer.length === 0) return;
    if (!timer) {
      const wait = Math.max(0, opts.flushIntervalMs - (now() - (buffer[0]?.at ?? now())));
      timer = setTimeout(() => {
        timer = undefined;
        schedule();
      }, wait);
    }
  };

  // One splice, not a shift per submission: a RabbitMQ tap buffers thousands of one-message submissions, and
  // shifting them one by one moved the rest of the array each time (6 % of the tap's thread, profiled).
  const take = (): Pending<M>[] => {
    let [count, rows, messages] = [0, 0, 0];
    for (const next of buffer) {
      if (count > 0 && rows + rowsOf(next) > opts.batchSize) break;
      count++;
      rows += rowsOf(next);
      messages += messagesOf(next);
      if (next.urgent) urgent--;
    }
    buffered -= messages;
    bufferedRows -= rows;
    return buffer.splice(0, count);
  };

  const withRetry = async (insert: () => Promise<void>, rows: number) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await insert();
        return;
      } catch (err) {
        if (stop.signal.aborted) throw err;
        const delay = backoffDelay(attempt, opts.maxRetryDelayMs, 250);
        opts.onInsertFailed?.();
        opts.log.warn('insert failed; retrying with the same deduplication token', {
          err,
          attempt,
          delay_ms: delay,
          rows,
        });
        await sleep(delay, stop.signal);
      }
    }
  };

  const run = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = take();
    const started = now();
    const schemasBefore = schemasStored;
    try {
      const kept = opts.prepare ? await opts.prepare(batch) : batch;
      await schemasBefore;
      const token = opts.tokenFor(batch);
      const rows: EventRow[] = [];
      const counted: CountRow[] = [];
      let messages = 0;
      // One insert per audit level, each with its own token; a partition's rows are never split between them.
      for (const [level, part] of byLevel(kept)) {
        const levelToken = level === 'rows' ? token : `${token}#${level}`;
        const tapBatch = hash53(levelToken);
        const tallied = part.tallies.flatMap((t) => t.counts());
        const counts = level === 'counts' ? [...countRows(part.rows), ...tallied] : [];
        await withRetry(
          () =>
            level === 'counts'
              ? opts.store.insertCounts(counts, levelToken, tapBatch)
              : opts.store.insertEvents(part.rows, levelToken, tapBatch, level),
          part.messages,
        );
        rows.push(...part.rows);
        counted.push(...tallied);
        messages += part.messages;
      }
      opts.onInserted?.({ rows, counted, messages, ms: now() - started, batch });
      for (const s of batch) s.resolve();
    } catch (err) {
      for (const s of batch) s.reject(err as Error);
    }
  };

  return {
    submit(s) {
      if (closed) return Promise.reject(new Error('writer is closed'));
      return new Promise<void>((resolve, reject) => {
        const pending: Pending<M> = {
          ...s,
          resolve: () => {
            unstored.delete(pending);
            resolve();
          },
          reject: (err) => {
            unstored.delete(pending);
            reject(err);
          },
          at: now(),
        };
        unstored.add(pending);
        buffer.push(pending);
        buffered += messagesOf(s);
        bufferedRows += rowsOf(s);
        if (s.urgent) urgent++;
        schedule();
      });
    },
    hold() {
      held++;
      schedule();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held--;
      };
    },
    storeSchemas(rows) {
      if (rows.length === 0 || closed) return;
      const inserting = schemasStored.then(() => withRetry(() => opts.store.insertSchemas(rows), rows.length));
      // A schema insert given up at close must not hold back the events inserts still draining.
      schemasStored = inserting.catch(() => {});
      schemaInserts.add(inserting);
      inserting
        .catch((err: unknown) => opts.log.warn('schema rows not stored', { err, rows: rows.length }))
        .finally(() => {
          schemaInserts.delete(inserting);
          schedule();
        });
    },
    backlog: () => buffered,
    busy,
    unstoredSince() {
      let since: number | undefined;
      for (const p of unstored) {
        for (const r of p.rows) since = Math.min(since ?? Infinity, eventTime(r));
        const tallied = p.tally?.since();
        if (tallied !== undefined) since = Math.min(since ?? Infinity, tallied);
      }
      return since;
    },
    idle: () => (busy() ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve()),
    isNewSchema(fingerprint) {
      if (fingerprint === 0 || seenSchemas.has(fingerprint)) return false;
      seenSchemas.add(fingerprint);
      return true;
    },
    async close(graceMs = 10_000) {
      closed = true;
      const giveUp = setTimeout(() => stop.abort(), graceMs);
      while (buffer.length || inFlight.size || schemaInserts.size) {
        schedule();
        await Promise.allSettled([...inFlight, ...schemaInserts]);
      }
      clearTimeout(giveUp);
      stop.abort();
      if (timer) clearTimeout(timer);
      buffer = [];
      urgent = 0;
    },
  };
}

/** The source's messages a submission holds: what it waits on (maxPendingMessages) and backlog() reports. */
const messagesOf = <M>(s: Submission<M> | undefined): number =>
  s ? s.rows.length + (s.tally?.messages() ?? 0) + (s.unkept ?? 0) : 0;

/** What a submission adds to an insert: a tally is its count rows, far fewer than its messages, so the fetches
 * of a `counts` stream share one insert instead of each paying an insert's fixed cost (tens of ms on chDB with
 * the rollup views behind event_counts). */
const rowsOf = <M>(s: Submission<M> | undefined): number => (s ? s.rows.length + (s.tally?.groups() ?? 0) : 0);

interface LevelPart {
  rows: EventRow[];
  tallies: CountTally[];
  messages: number;
}

function byLevel<M>(batch: Submission<M>[]): Map<AuditLevel, LevelPart> {
  const levels = new Map<AuditLevel, LevelPart>();
  const partOf = (level: AuditLevel) => {
    let part = levels.get(level);
    if (!part) levels.set(level, (part = { rows: [], tallies: [], messages: 0 }));
    return part;
  };
  for (const s of batch) {
    const level = s.level ?? 'rows';
    const { levels: own } = s;
    if (own) {
      s.rows.forEach((r, i) => {
        const part = partOf(own[i] ?? level);
        part.rows.push(r);
        part.messages++;
      });
    } else if (s.rows.length) {
      const part = partOf(level);
      for (const r of s.rows) part.rows.push(r);
      part.messages += s.rows.length;
    }
    if (s.tally) {
      const part = partOf(level);
      part.tallies.push(s.tally);
      part.messages += s.tally.messages();
    }
  }
  return levels;
}
