// Reads for the lag API: the latest round of every group and queue as a page, and one group's history.
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

/** How the latest round is listed; every part is optional (by default: all of it, worst status first). */
export interface LagListQuery {
  /** keeps groups whose name or one of whose streams contains this, ignoring case */
  q?: string | undefined;
  broker?: Broker | undefined;
  /** keeps these statuses; `counts` are taken before this filter */
  status?: readonly LagStatus[] | undefined;
  /** worst: status, then time behind, then messages behind; equal rows stay worst status first, by name */
  order?: { by: LagOrder; desc: boolean } | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export type LagOrder = 'worst' | 'broker' | 'group' | 'lag' | 'lag_seconds' | 'consumers';

export interface LagList extends LagSnapshot {
  /** groups matching every filter, before limit and offset */
  total: number;
  /** groups per status among those matching q and broker */
  counts: Partial<Record<LagStatus, number>>;
}

const WORST_FIRST = [...LAG_STATUSES].reverse();
const RANK = 'indexOf({worst_first:Array(String)}, s.status)';
const STORE_ORDER = `${RANK}, s.broker, s.cluster, s.group_name`;
// ICU collation with numeric ordering: the order JavaScript's localeCompare('en', { numeric: true }) gives.
const TEXT = `COLLATE 'en-u-kn-true'`;

function orderBy(order: LagListQuery['order']): string {
  if (!order) return STORE_ORDER;
  const dir = order.desc ? 'DESC' : 'ASC';
  const column: Record<Exclude<LagOrder, 'worst'>, string> = {
    broker: `s.broker ${dir} ${TEXT}`,
    group: `s.group_name ${dir} ${TEXT}`,
    lag: `s.lag ${dir}`,
    lag_seconds: `s.lag_seconds ${dir}`,
    consumers: `s.consumers ${dir}`,
  };
  if (order.by !== 'worst') return `${column[order.by]}, ${STORE_ORDER}`;
  const against = order.desc ? 'ASC' : 'DESC';
  return `${RANK} ${dir}, s.lag_seconds ${against}, s.lag ${against}, ${STORE_ORDER}`;
}

/** The groups and queues of the newest sampling round of each broker (rounds older than an hour are not "latest"),
 * filtered, ordered and cut to a page in the query: ten thousand groups answer one page without reading them all. */
export async function latestLag(store: Store, now: number, list: LagListQuery = {}): Promise<LagList> {
  const needle = list.q?.trim() ?? '';
  const matching =
    [
      list.broker ? 's.broker = {broker:String}' : '',
      needle
        ? `positionCaseInsensitiveUTF8(concat(s.group_name, ' ', arrayStringConcat(s.streams, ' ')), {needle:String}) > 0`
        : '',
    ]
      .filter(Boolean)
      .join(' AND ') || '1';
  const shown = list.status ? `${matching} AND has({statuses:Array(String)}, s.status)` : matching;
  const offset = list.offset ?? 0;
  const page = list.limit === undefined ? `OFFSET ${offset}` : `LIMIT ${list.limit} OFFSET ${offset}`;
  const latestRounds = `WITH last_rounds AS (
       SELECT broker, cluster, max(at) AS last_at FROM ${store.db}.lag_status
       WHERE at >= fromUnixTimestamp64Milli({since:Int64}) AND at <= fromUnixTimestamp64Milli({now:Int64})
       GROUP BY broker, cluster)`;
  const inRounds = `FROM ${store.db}.lag_status AS s INNER JOIN last_rounds AS r ON s.broker = r.broker AND s.cluster = r.cluster AND s.at = r.last_at
     WHERE s.at >= fromUnixTimestamp64Milli({since:Int64})`;
  const params = {
    since: now - LATEST_MAX_AGE_MS,
    now,
    worst_first: WORST_FIRST,
    broker: list.broker ?? '',
    needle,
    statuses: list.status ?? [],
  };
  const [perStatus, rows] = await Promise.all([
    queryRows<{ status: LagStatus; matching: string; newest: string }>(
      store,
      `${latestRounds}
       SELECT s.status AS status, countIf(${matching}) AS matching, max(toUnixTimestamp64Milli(s.at)) AS newest
       ${inRounds} GROUP BY status`,
      params,
    ),
    queryRows<StatusRecord>(
      store,
      `${latestRounds} SELECT ${STATUS_COLUMNS} ${inRounds} AND ${shown} ORDER BY ${orderBy(list.order)} ${page}`,
      params,
    ),
  ]);
  const counts: Partial<Record<LagStatus, number>> = {};
  for (const status of WORST_FIRST) {
    const n = Number(perStatus.find((s) => s.status === status)?.matching ?? 0);
    if (n > 0) counts[status] = n;
  }
  const total = WORST_FIRST.filter((s) => !list.status || list.status.includes(s)).reduce(
    (sum, s) => sum + (counts[s] ?? 0),
    0,
  );
  const newest = Math.max(...perStatus.map((s) => Number(s.newest)));
  return { at: perStatus.length ? iso(newest) : null, total, counts, groups: rows.map(groupOf) };
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
