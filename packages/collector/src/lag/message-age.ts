// How old the oldest message a consumer has not taken yet is, estimated from what the taps stored: Kafka, the
// broker timestamp of the record at the committed offset (or the nearest stored one above it); RabbitMQ, when
// the tap saw the publish that is `depth` places back among those routed to the queue.
// Each round asks about the same partitions and queues again, so every answer (and every miss) leaves a lower
// time bound for the next question about it: after the first round, lookups scan only recent rows.
import { queryRows } from '@rollcall/core/store/queries';
import type { Store } from '@rollcall/core/store';

export interface OffsetWanted {
  topic: string;
  partition: number;
  /** the group's committed offset: the next record it will read */
  committed: number;
  logEnd: number;
}

export interface QueueWanted {
  /** the caller's name for it, unique across vhosts; the result is keyed by it */
  key: string;
  /** the queue's own name, as the tap records it in routed_queues */
  queue: string;
  /** exchanges bound to the queue, as the tap names them (amq.default for the default exchange) */
  exchanges: string[];
  depth: number;
}

export interface MessageAges {
  /** ms timestamp per `topic/partition/committed`; absent when nothing at or after it is stored */
  kafka(cluster: string, wanted: OffsetWanted[], now: number): Promise<Map<string, number>>;
  /** ms timestamp per queue key of the message at its head; absent when the tap stored none routed to it */
  rabbitmq(cluster: string, wanted: QueueWanted[], now: number): Promise<Map<string, number>>;
}

interface Known {
  committed: number;
  /** the answer; undefined when nothing was stored at or after `committed` */
  ts?: number;
  /** observed_at of the row found, or when the miss was looked up: nothing needed later was seen before it */
  observed: number;
}

export const offsetKey = (w: Pick<OffsetWanted, 'topic' | 'partition' | 'committed'>) =>
  `${w.topic}/${w.partition}/${w.committed}`;

// Slack on a lower time bound: a tap batch is stamped when it arrives and stored a little later, and a
// requeued RabbitMQ message goes back ahead of newer ones.
const SCAN_SLACK_MS = 5 * 60_000;
const CHUNK = 1000;

/** Runs `lookup` once for the questions that have a time bound (from their earliest bound) and once for those
 * that do not, so one new partition or queue does not make every lookup scan all history. */
async function byBound<W>(
  wanted: (W & { since: number })[],
  lookup: (chunk: W[], since: number) => Promise<void>,
): Promise<void> {
  const cold = wanted.filter((w) => w.since <= 0);
  const warm = wanted.filter((w) => w.since > 0);
  for (const group of [cold, warm]) {
    for (let i = 0; i < group.length; i += CHUNK) {
      const chunk = group.slice(i, i + CHUNK);
      await lookup(chunk, Math.min(...chunk.map((w) => w.since)));
    }
  }
}

export function createMessageAges(store: Store): MessageAges {
  // cluster/topic/partition → what each committed offset asked about last round led to
  const offsets = new Map<string, Known[]>();
  // cluster/queue key → head observed_at last round, or when it was last looked up in vain
  const heads = new Map<string, number>();

  const kafka = async (cluster: string, wanted: OffsetWanted[], now: number) => {
    const result = new Map<string, number>();
    const kept = new Map<string, Known[]>();
    const keep = (w: OffsetWanted, known: Known) => {
      const partKey = `${cluster}/${w.topic}/${w.partition}`;
      kept.set(partKey, [...(kept.get(partKey) ?? []).filter((k) => k.committed !== w.committed), known]);
      if (known.ts !== undefined) result.set(offsetKey(w), known.ts);
    };
    const asked: (OffsetWanted & { since: number })[] = [];
    for (const w of wanted) {
      const known = offsets.get(`${cluster}/${w.topic}/${w.partition}`) ?? [];
      const hit = known.find((k) => k.committed === w.committed && k.ts !== undefined);
      if (hit) {
        keep(w, hit);
        continue;
      }
      // Records are stored in offset order per partition, so one at a higher offset was seen no earlier.
      const bounds = known.filter((k) => k.committed <= w.committed).map((k) => k.observed);
      asked.push({ ...w, since: bounds.length ? Math.max(...bounds) - SCAN_SLACK_MS : 0 });
    }
    await byBound(asked, async (chunk, since) => {
      // ASOF: per partition, the first stored offset at or above the committed one.
      const found = await queryRows<{ item: number; ts: string; observed: string }>(
        store,
        `SELECT w.item AS item, toUnixTimestamp64Milli(e.broker_ts) AS ts, toUnixTimestamp64Milli(e.observed_at) AS observed
         FROM (SELECT item, stream, partition, committed, log_end FROM system.one
               ARRAY JOIN {items:Array(UInt32)} AS item, {topics:Array(String)} AS stream, {partitions:Array(Int32)} AS partition,
                          {committed:Array(Int64)} AS committed, {ends:Array(Int64)} AS log_end) AS w
         ASOF INNER JOIN (
               SELECT stream, partition, offset, broker_ts, observed_at FROM ${store.db}.events
               WHERE broker = 'kafka' AND cluster = {cluster:String} AND kind = 'publish' AND stream IN {streams:Array(String)}
                 AND observed_at >= fromUnixTimestamp64Milli({since:Int64})) AS e
         ON w.stream = e.stream AND w.partition = e.partition AND w.committed <= e.offset
         WHERE e.offset < w.log_end`,
        {
          cluster,
          since,
          items: chunk.map((_, i) => i),
          topics: chunk.map((w) => w.topic),
          partitions: chunk.map((w) => w.partition),
          committed: chunk.map((w) => w.committed),
          ends: chunk.map((w) => w.logEnd),
          streams: [...new Set(chunk.map((w) => w.topic))],
        },
      );
      const answered = new Map(found.map((row) => [Number(row.item), row]));
      chunk.forEach((w, i) => {
        const row = answered.get(i);
        if (!row) return keep(w, { committed: w.committed, observed: now });
        const observed = Number(row.observed);
        keep(w, { committed: w.committed, ts: Number(row.ts) > 0 ? Number(row.ts) : observed, observed });
      });
    });
    // Keep only this round's answers: they are next round's bounds, and the cache cannot grow past them.
    for (const key of [...offsets.keys()]) if (key.startsWith(`${cluster}/`)) offsets.delete(key);
    for (const [key, known] of kept) offsets.set(key, known);
    return result;
  };

  const rabbitmq = async (cluster: string, wanted: QueueWanted[], now: number) => {
    const result = new Map<string, number>();
    const asked = wanted
      .filter((w) => w.depth > 0 && w.exchanges.length > 0)
      .map((w) => {
        const previous = heads.get(`${cluster}/${w.key}`);
        return { ...w, since: previous !== undefined ? previous - SCAN_SLACK_MS : 0 };
      });
    // One statement tells queues apart by name only, so a name asked about twice (two vhosts) goes to a second one.
    const layers: (typeof asked)[] = [];
    for (const w of asked) {
      const layer = layers.find((l) => !l.some((x) => x.queue === w.queue));
      if (layer) layer.push(w);
      else layers.push([w]);
    }
    const looked = new Map<string, number>();
    const lookup = async (chunk: typeof asked, since: number) => {
      // The head is the depth-th newest publish routed to the queue; with fewer stored, the oldest stored is a
      // lower bound on its age.
      const found = await queryRows<{ item: number; head: string }>(
        store,
        `SELECT item, toUnixTimestamp64Milli(min(observed_at)) AS head FROM (
           SELECT indexOf({queues:Array(String)}, q) AS item, observed_at, row_number() OVER (PARTITION BY item ORDER BY observed_at DESC) AS position
           FROM ${store.db}.events ARRAY JOIN routed_queues AS q
           WHERE broker = 'rabbitmq' AND cluster = {cluster:String} AND kind = 'publish' AND stream IN {streams:Array(String)}
             AND observed_at >= fromUnixTimestamp64Milli({since:Int64}) AND observed_at <= fromUnixTimestamp64Milli({now:Int64})
             AND has({queues:Array(String)}, q) AND has({exchanges:Array(Array(String))}[item], stream))
         WHERE position <= {depths:Array(UInt64)}[item]
         GROUP BY item`,
        {
          cluster,
          since,
          now,
          queues: chunk.map((w) => w.queue),
          depths: chunk.map((w) => w.depth),
          exchanges: chunk.map((w) => w.exchanges),
          streams: [...new Set(chunk.flatMap((w) => w.exchanges))],
        },
      );
      const answered = new Map(found.map((row) => [Number(row.item), Number(row.head)]));
      chunk.forEach((w, i) => {
        const head = answered.get(i + 1);
        if (head !== undefined) result.set(w.key, head);
        looked.set(w.key, head ?? now);
      });
    };
    for (const layer of layers) await byBound(layer, lookup);
    for (const key of [...heads.keys()]) if (key.startsWith(`${cluster}/`)) heads.delete(key);
    for (const [key, head] of looked) heads.set(`${cluster}/${key}`, head);
    return result;
  };

  return { kafka, rabbitmq };
}
