// The flow map: producer → topic/exchange → queue/consumer group → consumer, derived from what the taps saw
// (publishes, RabbitMQ routing and deliveries) and what the lag sampler read (Kafka group offsets and partition
// owners). Services are keyed by name, so one that consumes from RabbitMQ and publishes to Kafka under the same
// name joins both halves into one path.
import type { Store } from '@rollcall/core/store';
import { eventTimeRange, queryRows } from '@rollcall/core/store/queries';
import type { FlowAlertState as AlertState, FlowEdge, FlowNode, FlowNodeKind as NodeKind } from '@rollcall/contract/flows';
import type { TimeRange } from '@rollcall/contract/params';

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
const service = (name: string) => `service:${name || UNNAMED}`;
const streamId = (broker: string, stream: string) => (broker === 'kafka' ? `kafka:topic:${stream}` : `rabbitmq:exchange:${stream}`);
const RANK: Record<AlertState, number> = { ok: 0, pending: 1, firing: 2 };
const worst = (a: AlertState, b: AlertState): AlertState => (RANK[a] >= RANK[b] ? a : b);

export async function flows(store: Store, range: TimeRange, inputs: FlowInputs): Promise<{ nodes: FlowNode[]; edges: FlowEdge[] }> {
  const seconds = Math.max(1, (range.to - range.from) / 1000);
  const p = { ...range, hidden: inputs.hiddenGroups };
  const RAW_RANGE = eventTimeRange('from', 'to');
  const [published, routed, delivered, consumed, names] = await Promise.all([
    // Exact edges for short ranges; whole minutes from the rollup past RAW_MAX_MS, where a scan would be long.
    queryRows<{ broker: string; stream: string; source: string; n: string | number }>(
      store,
      range.to - range.from <= RAW_MAX_MS
        ? `SELECT broker, stream, source, count() AS n FROM ${store.db}.events WHERE kind = 'publish' AND ${RAW_RANGE} GROUP BY broker, stream, source`
        : `SELECT broker, stream, source, sum(count) AS n FROM ${store.db}.events_per_minute
           WHERE kind = 'publish' AND minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64})) AND minute < fromUnixTimestamp64Milli({to:Int64})
           GROUP BY broker, stream, source`,
      p,
    ),
    queryRows<{ exchange: string; queue: string; n: string | number }>(
      store,
      `SELECT stream AS exchange, arrayJoin(routed_queues) AS queue, count() AS n FROM ${store.db}.events
       WHERE broker = 'rabbitmq' AND kind = 'publish' AND ${RAW_RANGE} GROUP BY exchange, queue`,
      p,
    ),
    queryRows<{ queue: string; conn: string; n: string | number }>(
      store,
      `SELECT queue, connection AS conn, count() AS n FROM ${store.db}.events
       WHERE broker = 'rabbitmq' AND kind = 'deliver' AND ${RAW_RANGE} GROUP BY queue, conn`,
      p,
    ),
    // Offsets a group moved forward per partition while sampled, and the member holding each partition.
    queryRows<{ grp: string; topic: string; owner: string; moved: string | number; span_ms: string | number }>(
      store,
      `SELECT group_name AS grp, stream AS topic, argMax(owner, at) AS owner, max(committed) - min(committed) AS moved,
              toUnixTimestamp64Milli(max(at)) - toUnixTimestamp64Milli(min(at)) AS span_ms
       FROM ${store.db}.lag_samples
       WHERE broker = 'kafka' AND committed >= 0 AND group_name NOT IN {hidden:Array(String)}
         AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64})
       GROUP BY grp, topic, partition`,
      p,
    ),
    inputs.connectionNames().catch(() => new Map<string, string>()),
  ]);

  const nodes = new Map<string, FlowNode>();
  const edges = new Map<string, FlowEdge>();
  const node = (id: string, kind: NodeKind, label: string, broker: FlowNode['broker'], state: AlertState = 'ok'): FlowNode => {
    const existing = nodes.get(id);
    if (existing) {
      // A service seen consuming is also a producer once it publishes: producers are drawn first.
      if (existing.kind === 'consumer' && kind === 'producer') existing.kind = 'producer';
      return existing;
    }
    const created: FlowNode = { id, kind, label, broker, msg_per_sec: 0, alert_state: state };
    nodes.set(id, created);
    return created;
  };
  const edge = (from: FlowNode, to: FlowNode, count: number, perSecond: number, state: AlertState) => {
    const id = `${from.id}->${to.id}`;
    const e = edges.get(id) ?? { id, source: from.id, target: to.id, msg_per_sec: 0, count: 0, alert_state: state };
    e.count += count;
    e.msg_per_sec += perSecond;
    e.alert_state = worst(e.alert_state, state);
    edges.set(id, e);
  };

  for (const r of published) {
    const state = inputs.streamState(r.broker, r.stream);
    const target = node(streamId(r.broker, r.stream), r.broker === 'kafka' ? 'topic' : 'exchange', r.stream || '(default exchange)', r.broker === 'kafka' ? 'kafka' : 'rabbitmq', state);
    const n = Number(r.n);
    target.msg_per_sec += n / seconds;
    edge(node(service(r.source), 'producer', r.source || UNNAMED, null), target, n, n / seconds, state);
  }
  for (const r of routed) {
    const state = inputs.streamState('rabbitmq', r.exchange);
    const from = node(streamId('rabbitmq', r.exchange), 'exchange', r.exchange || '(default exchange)', 'rabbitmq', state);
    const queue = node(`rabbitmq:queue:${r.queue}`, 'queue', r.queue, 'rabbitmq');
    const n = Number(r.n);
    queue.msg_per_sec += n / seconds;
    edge(from, queue, n, n / seconds, state);
  }
  for (const r of delivered) {
    const queue = node(`rabbitmq:queue:${r.queue}`, 'queue', r.queue, 'rabbitmq');
    const name = names.get(r.conn) ?? r.conn;
    const n = Number(r.n);
    edge(queue, node(service(name), 'consumer', name || UNNAMED, null), n, n / seconds, 'ok');
  }
  for (const r of consumed) {
    const topicState = inputs.streamState('kafka', r.topic);
    const topic = node(streamId('kafka', r.topic), 'topic', r.topic, 'kafka', topicState);
    const group = node(`kafka:group:${r.grp}`, 'group', r.grp, 'kafka');
    const moved = Number(r.moved);
    const perSecond = Number(r.span_ms) > 0 ? moved / (Number(r.span_ms) / 1000) : 0;
    group.msg_per_sec += perSecond;
    edge(topic, group, moved, perSecond, topicState);
    if (r.owner) edge(group, node(service(r.owner), 'consumer', r.owner, null), moved, perSecond, 'ok');
  }
  // A service's rate is the larger of what it takes in and what it sends on.
  for (const n of nodes.values()) {
    if (n.kind !== 'producer' && n.kind !== 'consumer') continue;
    const sum = (side: 'source' | 'target') => [...edges.values()].filter((e) => e[side] === n.id).reduce((a, e) => a + e.msg_per_sec, 0);
    n.msg_per_sec = Math.max(sum('source'), sum('target'));
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
