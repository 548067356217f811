// Reads for the lag API: the latest round of every group and queue, and one group's history.
import type { Broker } from '@rollcall/core/event';
import { queryRows } from '@rollcall/core/store/queries';
import type { Store } from '@rollcall/core/store';
import { LAG_STATUSES, type GroupLag, type LagSnapshot, type LagStatus } from './status.ts';

export interface PartitionLag {
  /** topic, or the queue's own name */
  stream: string;
  /** -1 for a queue */
  partition: number;
  /** Kafka offsets; null for a queue */
  committed: number | null;
  log_start: number | null;
  log_end: number | null;
  lag: number;
  lag_seconds: number | null;
  /** client id of the member holding the partition, '' when none; null for a queue */
  owner: string | null;
  /** RabbitMQ counters and rates (msg/s); null for a Kafka partition */
  unacked: number | null;
  consumers: number | null;
  publish_rate: number | null;
  deliver_rate: number | null;
  ack_rate: number | null;
}

export interface LagDetail extends GroupLag {
  /** ISO time of the round the group fields and partitions come from */
  at: string;
  step_seconds: number;
  partitions: PartitionLag[];
  /** the highest lag in each step */
  series: { t: string; lag: number; lag_seconds: number }[];
  /** each change of status in the range, oldest first (the first one is the status the range starts in) */
  statuses: { t: string; status: LagStatus; reason: string }[];
}

const LATEST_MAX_AGE_MS = 3_600_000;
const MAX_POINTS = 240;
const MAX_STATUS_CHANGES = 1000;
const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

const iso = (ms: string | number) => new Date(Number(ms)).toISOString();

/** The step (s) that keeps a range within ~240 points. */
export function lagStep(from: number, to: number): number {
  const wanted = (to - from) / 1000 / MAX_POINTS;
  return STEPS_S.find((s) => s >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
}

interface StatusRecord {
  at_ms: string;
  broker: Broker;
  cluster: string;
  group_name: string;
  status: LagStatus;
  reason: string;
  lag: string;
  lag_seconds: number;
  consumers: number;
  streams: string[];
}

const STATUS_COLUMNS =
  'toUnixTimestamp64Milli(s.at) AS at_ms, s.broker AS broker, s.cluster AS cluster, s.group_name AS group_name, s.status AS status, s.reason AS reason, s.lag AS lag, s.lag_seconds AS lag_seconds, s.consumers AS consumers, s.streams AS streams';

const groupOf = (r: StatusRecord): GroupLag => ({
  broker: r.broker,
  cluster: r.cluster,
  group: r.group_name,
  status: r.status,
  reason: r.reason,
  lag: Number(r.lag),
  lag_seconds: Number(r.lag_seconds),
  consumers: Number(r.consumers),
  streams: r.streams,
});

/** Every group and queue in the newest sampling round of each broker, worst status first (rounds older than an
 * hour are not "latest"). */
export async function latestLag(store: Store, now: number): Promise<LagSnapshot> {
  const rows = await queryRows<StatusRecord>(
    store,
    `WITH last_rounds AS (
       SELECT broker, cluster, max(at) AS last_at FROM ${store.db}.lag_status
       WHERE at >= fromUnixTimestamp64Milli({since:Int64}) AND at <= fromUnixTimestamp64Milli({now:Int64})
       GROUP BY broker, cluster)
     SELECT ${STATUS_COLUMNS}
     FROM ${store.db}.lag_status AS s INNER JOIN last_rounds AS r ON s.broker = r.broker AND s.cluster = r.cluster AND s.at = r.last_at
     WHERE s.at >= fromUnixTimestamp64Milli({since:Int64})
     ORDER BY indexOf({worst_first:Array(String)}, status), broker, cluster, group_name`,
    { since: now - LATEST_MAX_AGE_MS, now, worst_first: [...LAG_STATUSES].reverse() },
  );
  const newest = Math.max(...rows.map((r) => Number(r.at_ms)));
  return { at: rows.length ? iso(newest) : null, groups: rows.map(groupOf) };
}

/** One group's (or queue's) latest state up to `to`, its partitions then, and its history over [from, to];
 * undefined when it was never sampled. */
export async function lagDetail(
  store: Store,
  broker: Broker,
  group: string,
  from: number,
  to: number,
): Promise<LagDetail | undefined> {
  const [latest] = await queryRows<StatusRecord>(
    store,
    `SELECT ${STATUS_COLUMNS} FROM ${store.db}.lag_status AS s
     WHERE s.broker = {broker:String} AND s.group_name = {group:String} AND s.at <= fromUnixTimestamp64Milli({to:Int64})
     ORDER BY s.at DESC LIMIT 1`,
    { broker, group, to },
  );
  if (!latest) return undefined;
  const key = { broker, cluster: latest.cluster, group, from, to };
  const scope = `broker = {broker:String} AND cluster = {cluster:String} AND group_name = {group:String}`;
  const inRange = `at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64})`;
  const step = lagStep(from, to);

  const [partitions, series, changes] = await Promise.all([
    queryRows<Record<keyof PartitionLag, string | number | null>>(
      store,
      `SELECT stream, partition, committed, log_start, log_end, lag, lag_seconds, owner, unacked, consumers, publish_rate, deliver_rate, ack_rate
       FROM ${store.db}.lag_samples WHERE ${scope} AND at = fromUnixTimestamp64Milli({at:Int64}) ORDER BY stream, partition`,
      { ...key, at: Number(latest.at_ms) },
    ),
    queryRows<{ t: string; max_lag: string; max_lag_seconds: number }>(
      store,
      `SELECT intDiv(toUnixTimestamp64Milli(at), {step_ms:Int64}) * {step_ms:Int64} AS t, max(lag) AS max_lag, max(lag_seconds) AS max_lag_seconds
       FROM ${store.db}.lag_status WHERE ${scope} AND ${inRange} GROUP BY t ORDER BY t`,
      { ...key, step_ms: step * 1000 },
    ),
    // Change points only: a week at 10 s is 60,000 rounds, almost all repeating the one before.
    queryRows<{ t: string; status_name: LagStatus; reason: string }>(
      store,
      `SELECT t, status_name, reason FROM (
         SELECT toUnixTimestamp64Milli(at) AS t, toString(status) AS status_name, reason,
                lagInFrame(toString(status), 1, '') OVER (ORDER BY at ASC ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS previous
         FROM ${store.db}.lag_status WHERE ${scope} AND ${inRange})
       WHERE status_name != previous ORDER BY t DESC LIMIT ${MAX_STATUS_CHANGES}`,
      key,
    ),
  ]);

  const isQueue = broker === 'rabbitmq';
  const n = (v: string | number | null) => (v === null ? null : Number(v));
  return {
    ...groupOf(latest),
    at: iso(latest.at_ms),
    step_seconds: step,
    partitions: partitions.map((p) => ({
      stream: String(p.stream),
      partition: Number(p.partition),
      committed: isQueue ? null : n(p.committed),
      log_start: isQueue ? null : n(p.log_start),
      log_end: isQueue ? null : n(p.log_end),
      lag: Number(p.lag),
      lag_seconds: n(p.lag_seconds),
      owner: isQueue ? null : String(p.owner),
      unacked: isQueue ? n(p.unacked) : null,
      consumers: isQueue ? n(p.consumers) : null,
      publish_rate: isQueue ? n(p.publish_rate) : null,
      deliver_rate: isQueue ? n(p.deliver_rate) : null,
      ack_rate: isQueue ? n(p.ack_rate) : null,
    })),
    series: series.map((s) => ({ t: iso(s.t), lag: Number(s.max_lag), lag_seconds: Number(s.max_lag_seconds) })),
    statuses: changes.reverse().map((c) => ({ t: iso(c.t), status: c.status_name, reason: c.reason })),
  };
}
