// Topic incarnations: a topic that is deleted and created again restarts its offsets at 0, so "offsets at or
// below the highest stored one were stored before" is only true within one incarnation of a partition.
// kafkajs speaks protocol versions without topic ids, so identity is checked on the records themselves: before
// skipping records as already stored, the tap compares one of them with the row stored at its offset (broker
// timestamp, size and key hash). A mismatch starts a new incarnation of that partition, marked in tap_markers;
// from then on its high-water mark counts only rows observed since the marker.
import { queryRows } from '@rollcall/core/store/queries';
import type { Store } from '@rollcall/core/store';
import { setMarker } from './markers.ts';

/** Highest offset stored per partition: the tap resumes after it, so a replay never double-counts. A topic audited
 * at `counts` (now or before a change of level) keeps its offsets in event_counts, each table in a projection. */
export async function kafkaHighWater(store: Store, cluster: string, topic: string): Promise<Map<number, number>> {
  const where = `broker = 'kafka' AND cluster = {cluster:String} AND stream = {topic:String}`;
  const found = await queryRows<{ partition: number; max_offset: string }>(
    store,
    `SELECT partition, max(max_offset) AS max_offset FROM (
       SELECT partition, max(offset) AS max_offset FROM ${store.db}.events WHERE ${where} GROUP BY partition
       UNION ALL
       SELECT partition, max(offset) AS max_offset FROM ${store.db}.event_counts WHERE ${where} GROUP BY partition
     ) GROUP BY partition
     SETTINGS preferred_optimize_projection_name = 'kafka_high_water'`,
    { cluster, topic },
  );
  return new Map(found.map((r) => [Number(r.partition), Number(r.max_offset)]));
}

const markerPrefix = (cluster: string, topic: string) => `kafka-incarnation/${cluster}/${topic}/`;

/** partition → ms since epoch when its current incarnation was first seen (only partitions that had more than one). */
async function incarnationStarts(store: Store, cluster: string, topic: string): Promise<Map<number, number>> {
  const found = await queryRows<{ name: string; since: string }>(
    store,
    `SELECT name, toUnixTimestamp64Milli(max(at)) AS since FROM ${store.db}.tap_markers WHERE startsWith(name, {prefix:String}) GROUP BY name`,
    { prefix: markerPrefix(cluster, topic) },
  );
  return new Map(found.map((m) => [Number(m.name.slice(markerPrefix(cluster, topic).length)), Number(m.since)]));
}

export interface PartitionMarks {
  /** partition → highest offset stored in its current incarnation */
  offsets: Map<number, number>;
  /** partition → start of its current incarnation (0: the first) */
  since: Map<number, number>;
}

/** Highest stored offset per partition, within each partition's current incarnation. */
export async function incarnationHighWater(store: Store, cluster: string, topic: string): Promise<PartitionMarks> {
  const [offsets, since] = await Promise.all([
    kafkaHighWater(store, cluster, topic),
    incarnationStarts(store, cluster, topic),
  ]);
  for (const [partition, from] of since) {
    const where = `broker = 'kafka' AND cluster = {cluster:String} AND stream = {topic:String} AND partition = {partition:Int32}`;
    const [found] = await queryRows<{ n: string; max_offset: string }>(
      store,
      `SELECT sum(n) AS n, max(max_offset) AS max_offset FROM (
         SELECT count() AS n, max(offset) AS max_offset FROM ${store.db}.events
         WHERE ${where} AND observed_at >= fromUnixTimestamp64Milli({since:Int64})
         UNION ALL
         SELECT count() AS n, max(offset) AS max_offset FROM ${store.db}.event_counts
         WHERE ${where} AND last_seen >= fromUnixTimestamp64Milli({since:Int64})
       )`,
      { cluster, topic, partition, since: from },
    );
    if (found && Number(found.n) > 0) offsets.set(partition, Number(found.max_offset));
    else offsets.delete(partition);
  }
  return { offsets, since };
}

/** What identifies a stored record beyond its offset. */
export interface RecordIdentity {
  offset: number;
  broker_ts: number;
  size: number;
  key_hash: number;
}

/** Whether the record stored at `record.offset` in this incarnation of the partition is this record: `same`,
 * `different`, or `unknown` when nothing there says (a `counts` topic keeps the identity of each insert's last
 * record only). A row-audited partition keeps every offset, so no row there means the offsets restarted. */
export async function storedAsIs(
  store: Store,
  cluster: string,
  topic: string,
  partition: number,
  since: number,
  record: RecordIdentity,
): Promise<'same' | 'different' | 'unknown'> {
  const params = { cluster, topic, partition, offset: record.offset, since };
  const where = `broker = 'kafka' AND cluster = {cluster:String} AND stream = {topic:String} AND kind = 'publish'
       AND partition = {partition:Int32}`;
  const [row] = await queryRows<Identity>(
    store,
    `SELECT toUnixTimestamp64Milli(broker_ts) AS broker_ts, size, key_hash FROM ${store.db}.events
     WHERE ${where} AND offset = {offset:Int64} AND observed_at >= fromUnixTimestamp64Milli({since:Int64}) LIMIT 1`,
    params,
  );
  if (row) return sameRecord(row, record);
  const [counted] = await queryRows<Identity & { at_offset: number }>(
    store,
    `SELECT toUnixTimestamp64Milli(last_broker_ts) AS broker_ts, last_size AS size, last_key_hash AS key_hash,
            offset = {offset:Int64} AS at_offset
     FROM ${store.db}.event_counts WHERE ${where} AND last_seen >= fromUnixTimestamp64Milli({since:Int64})
     ORDER BY at_offset DESC LIMIT 1`,
    params,
  );
  if (!counted) return 'different';
  return Number(counted.at_offset) === 1 ? sameRecord(counted, record) : 'unknown';
}

interface Identity {
  broker_ts: string;
  size: string;
  key_hash: string;
}

const sameRecord = (stored: Identity, record: RecordIdentity): 'same' | 'different' =>
  Number(stored.size) === record.size &&
  Number(stored.key_hash) === record.key_hash &&
  Number(stored.broker_ts) === record.broker_ts
    ? 'same'
    : 'different';

export async function startIncarnation(
  store: Store,
  cluster: string,
  topic: string,
  partition: number,
  at: number,
): Promise<void> {
  await setMarker(store, `${markerPrefix(cluster, topic)}${partition}`, at);
}
