// The flow map: producer → topic/exchange → queue/consumer group → consumer, derived from what the taps saw
// (publishes, RabbitMQ routing and deliveries) and what the lag sampler read (Kafka group offsets and partition
// owners). Services are keyed by name, so one that consumes from RabbitMQ and publishes to Kafka under the same
// name joins both halves into one path. Every edge carries two numbers on one basis each: its messages over the
// whole range, and its msg/s now, over the last complete minutes (see rateWindow). A path whose first message came
// after those minutes has no rate yet (null, drawn as "–"), which is not the 0 of a path that stopped.
import type { Store } from '@rollcall/core/store';
import { eventTimeRange, queryRows } from '@rollcall/core/store/queries';
import type {
  FlowAlertState as AlertState,
  FlowEdge,
  FlowNode,
  FlowNodeKind as NodeKind,
} from '@rollcall/contract/flows';
import type { TimeRange } from '@rollcall/contract/params';
import type { FlowGraph } from './flows-cap.ts';

export interface FlowInputs {
  /** RabbitMQ connection name → the name its client gave itself (client_properties.connection_name). */
  connectionNames: () => Promise<Map<string, string>>;
  /** The worst alert state of the rules that watch a stream. */
  streamState: (broker: string, stream: string) => AlertState;
  /** Consumer groups left off the map (Rollcall's own tap reads every topic). */
  hiddenGroups: string[];
}

const UNNAMED = '(unnamed)';
const RAW_MAX_MS = 6 * 3_600_000;
const MINUTE = 60_000;
/** How many complete minutes the current rates average over. */
export const RATE_MINUTES = 5;
const MIN_RATE_SPAN_MS = 10_000;
const service = (name: string) => `service:${name || UNNAMED}`;
const streamId = (broker: string, stream: string) =>
  broker === 'kafka' ? `kafka:topic:${stream}` : `rabbitmq:exchange:${stream}`;
const RANK: Record<AlertState, number> = { ok: 0, pending: 1, firing: 2 };
const worst = (a: AlertState, b: AlertState): AlertState => (RANK[a] >= RANK[b] ? a : b);

/**
 * The window the current rates are counted over: the last complete minutes (at most RATE_MINUTES) of the range,
 * so the minute still being written never reads as a drop. A range shorter than one whole minute is its own window.
 */
export function rateWindow(range: TimeRange, now: number): TimeRange {
  const last = Math.max(range.from + 1, Math.min(range.to, now));
  const end = Math.floor(last / MINUTE) * MINUTE;
  const start = Math.max(end - RATE_MINUTES * MINUTE, Math.ceil(range.from / MINUTE) * MINUTE);
  return end > start ? { from: start, to: end } : { from: range.from, to: last };
}

type Counted = { n: string | number; first_ms: string | number };
type Published = Counted & { broker: string; stream: string; source: string };
type Routed = Counted & { exchange: string; queue: string };
type Delivered = Counted & { queue: string; conn: string };
type Consumed = {
  grp: string;
  topic: string;
  owner: string;
  moved: string | number;
  span_ms: string | number;
  first_ms: string | number;
};
interface Readings {
  published: Published[];
  routed: Routed[];
  delivered: Delivered[];
  consumed: Consumed[];
}

/** Everything the taps and the lag sampler saw in [{from}, {to}); `rollup` reads publishes from whole minutes. */
async function read(store: Store, p: Record<string, unknown>, rollup: boolean): Promise<Readings> {
  const RANGE = eventTimeRange('from', 'to');
  const [published, routed, delivered, consumed] = await Promise.all([
    queryRows<Published>(
      store,
      rollup
        ? `SELECT broker, stream, source, sum(count) AS n, toUnixTimestamp64Milli(toDateTime64(min(minute), 3)) AS first_ms FROM ${store.db}.events_per_minute
           WHERE kind = 'publish' AND minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND minute < fromUnixTimestamp64Milli({to:Int64})
           GROUP BY broker, stream, source`
        : // Topics audited at `counts` keep no rows: their publishes are in event_counts, by event minute.
          `SELECT broker, stream, source, sum(n) AS n, min(first_ms) AS first_ms FROM (
             SELECT broker, stream, source, count() AS n, toUnixTimestamp64Milli(min(event_at)) AS first_ms FROM ${store.db}.events
             WHERE kind = 'publish' AND ${RANGE} GROUP BY broker, stream, source
             UNION ALL
             SELECT broker, stream, source, sum(count) AS n, toUnixTimestamp64Milli(toDateTime64(min(minute), 3)) AS first_ms
             FROM ${store.db}.event_counts
             WHERE kind = 'publish' AND minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}))
               AND minute < fromUnixTimestamp64Milli({to:Int64})
             GROUP BY broker, stream, source)
           GROUP BY broker, stream, source`,
      p,
    ),
    queryRows<Routed>(
      store,
      `SELECT stream AS exchange, arrayJoin(routed_queues) AS queue, count() AS n, toUnixTimestamp64Milli(min(event_at)) AS first_ms FROM ${store.db}.events
       WHERE broker = 'rabbitmq' AND kind = 'publish' AND ${RANGE} GROUP BY exchange, queue`,
      p,
    ),
    queryRows<Delivered>(
      store,
      // Deliveries counted per queue (rabbitmq.trace: publish, rabbitmq/delivery-counter.ts) name no consumer.
      `SELECT queue, conn, sum(n) AS n, min(first_ms) AS first_ms FROM (
         SELECT queue, connection AS conn, count() AS n, toUnixTimestamp64Milli(min(event_at)) AS first_ms FROM ${store.db}.events
         WHERE broker = 'rabbitmq' AND kind = 'deliver' AND ${RANGE} GROUP BY queue, conn
         UNION ALL
         SELECT queue, '' AS conn, sum(count) AS n, toUnixTimestamp64Milli(toDateTime64(min(minute), 3)) AS first_ms
         FROM ${store.db}.event_counts
         WHERE broker = 'rabbitmq' AND kind = 'deliver' AND minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}))
           AND minute < fromUnixTimestamp64Milli({to:Int64})
         GROUP BY queue)
       GROUP BY queue, conn`,
      p,
    ),
    // Offsets a group moved forward per partition while sampled, and the member holding each partition.
    queryRows<Consumed>(
      store,
      `SELECT group_name AS grp, stream AS topic, argMax(owner, at) AS owner, max(committed) - min(committed) AS moved,
              toUnixTimestamp64Milli(max(at)) - toUnixTimestamp64Milli(min(at)) AS span_ms,
              toUnixTimestamp64Milli(min(at)) AS first_ms
       FROM ${store.db}.lag_samples
       WHERE broker = 'kafka' AND committed >= 0 AND group_name NOT IN {hidden:Array(String)}
         AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64})
       GROUP BY grp, topic, partition`,
      p,
    ),
  ]);
  return { published, routed, delivered, consumed };
}

export async function flows(
  store: Store,
  range: TimeRange,
  now: number,
  inputs: FlowInputs,
): Promise<FlowGraph & { rateWindow: TimeRange }> {
  const window = rateWindow(range, now);
  const hidden = inputs.hiddenGroups;
  const [overRange, overWindow, names] = await Promise.all([
    // Exact counts for short ranges; whole minutes from the rollup past RAW_MAX_MS, where a scan would be long.
    read(store, { ...range, hidden }, range.to - range.from > RAW_MAX_MS),
    read(store, { from: window.from, to: window.to, hidden }, false),
    inputs.connectionNames().catch(() => new Map<string, string>()),
  ]);

  const nodes = new Map<string, FlowNode>();
  const edges = new Map<string, FlowEdge>();
  const node = (
    id: string,
    kind: NodeKind,
    label: string,
    broker: FlowNode['broker'],
    state: AlertState = 'ok',
  ): FlowNode => {
    const existing = nodes.get(id);
    if (existing) {
      // A service seen consuming is also a producer once it publishes: producers are drawn first.
      if (existing.kind === 'consumer' && kind === 'producer') existing.kind = 'producer';
      return existing;
    }
    const created: FlowNode = { id, kind, label, broker, msg_per_sec: null, count: 0, alert_state: state };
    nodes.set(id, created);
    return created;
  };

  // The first message of each edge and node in the range: one with no rate reading yet is new (null) only when
  // that first message is at or after the window's end.
  const firstSeen = new Map<string, number>();
  const seen = (id: string, at: number) => firstSeen.set(id, Math.min(at, firstSeen.get(id) ?? Infinity));

  /** Adds one reading's hops to the graph, as counts over the range or as rates over the window; `noteFirst` hears
   * each hop's first message, with the ids of its edge and both ends. */
  const add = (r: Readings, measure: 'count' | 'msg_per_sec', noteFirst?: (id: string, at: number) => void) => {
    // A count, or a rate from the first message in the window (a path that started a minute ago is not averaged
    // over five), over at least MIN_RATE_SPAN_MS so a first message alone is no spike.
    const value = ({ n, first_ms }: Counted) => {
      if (measure === 'count') return Number(n);
      return Number(n) / (Math.max(MIN_RATE_SPAN_MS, window.to - Math.max(window.from, Number(first_ms))) / 1000);
    };
    const addTo = (x: FlowNode | FlowEdge, v: number) => {
      if (measure === 'count') x.count += v;
      else x.msg_per_sec = (x.msg_per_sec ?? 0) + v;
    };
    const hop = (from: FlowNode, to: FlowNode, v: number, first: number, state: AlertState, into: FlowNode | null) => {
      const id = `${from.id}->${to.id}`;
      const e = edges.get(id) ?? {
        id,
        source: from.id,
        target: to.id,
        msg_per_sec: null,
        count: 0,
        alert_state: state,
      };
      addTo(e, v);
      e.alert_state = worst(e.alert_state, state);
      edges.set(id, e);
      if (into) addTo(into, v);
      // both ends too: a queue that only delivers (draining a backlog) is not new
      if (noteFirst) for (const x of [e, from, to]) noteFirst(x.id, first);
    };
    for (const row of r.published) {
      const state = inputs.streamState(row.broker, row.stream);
      const kafka = row.broker === 'kafka';
      const target = node(
        streamId(row.broker, row.stream),
        kafka ? 'topic' : 'exchange',
        row.stream || '(default exchange)',
        kafka ? 'kafka' : 'rabbitmq',
        state,
      );
      const producer = node(service(row.source), 'producer', row.source || UNNAMED, null);
      hop(producer, target, value(row), Number(row.first_ms), state, target);
    }
    for (const row of r.routed) {
      const state = inputs.streamState('rabbitmq', row.exchange);
      const from = node(
        streamId('rabbitmq', row.exchange),
        'exchange',
        row.exchange || '(default exchange)',
        'rabbitmq',
        state,
      );
      const queue = node(`rabbitmq:queue:${row.queue}`, 'queue', row.queue, 'rabbitmq');
      hop(from, queue, value(row), Number(row.first_ms), state, queue);
    }
    for (const row of r.delivered) {
      const queue = node(`rabbitmq:queue:${row.queue}`, 'queue', row.queue, 'rabbitmq');
      const name = names.get(row.conn) ?? row.conn;
      hop(queue, node(service(name), 'consumer', name || UNNAMED, null), value(row), Number(row.first_ms), 'ok', null);
    }
    for (const row of r.consumed) {
      const state = inputs.streamState('kafka', row.topic);
      const topic = node(streamId('kafka', row.topic), 'topic', row.topic, 'kafka', state);
      const group = node(`kafka:group:${row.grp}`, 'group', row.grp, 'kafka');
      const moved = Number(row.moved);
      const v = measure === 'count' ? moved : Number(row.span_ms) > 0 ? moved / (Number(row.span_ms) / 1000) : 0;
      const first = Number(row.first_ms);
      hop(topic, group, v, first, state, group);
      if (row.owner) hop(group, node(service(row.owner), 'consumer', row.owner, null), v, first, 'ok', null);
    }
  };
  add(overRange, 'count', seen);
  add(overWindow, 'msg_per_sec');
  const all = [...edges.values()];
  for (const x of [...all, ...nodes.values()]) {
    if (x.msg_per_sec === null && (firstSeen.get(x.id) ?? Infinity) < window.to) x.msg_per_sec = 0;
  }

  // A service's numbers are the larger of what it takes in and what it sends on; no rate while none of its edges
  // has one.
  const sums = new Map<string, { in: FlowEdge[]; out: FlowEdge[] }>();
  const sidesOf = (id: string) => sums.get(id) ?? sums.set(id, { in: [], out: [] }).get(id) ?? { in: [], out: [] };
  for (const e of all) {
    sidesOf(e.source).out.push(e);
    sidesOf(e.target).in.push(e);
  }
  for (const n of nodes.values()) {
    if (n.kind !== 'producer' && n.kind !== 'consumer') continue;
    const sides = sidesOf(n.id);
    const sum = (list: FlowEdge[], measure: 'count' | 'msg_per_sec') => list.reduce((a, e) => a + (e[measure] ?? 0), 0);
    n.count = Math.max(sum(sides.in, 'count'), sum(sides.out, 'count'));
    const measured = [...sides.in, ...sides.out].some((e) => e.msg_per_sec !== null);
    n.msg_per_sec = measured ? Math.max(sum(sides.in, 'msg_per_sec'), sum(sides.out, 'msg_per_sec')) : null;
  }
  return { nodes: [...nodes.values()], edges: all, rateWindow: window };
}
