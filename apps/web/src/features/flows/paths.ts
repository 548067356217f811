// The flow map as a list of paths, for a phone or a screen reader: producer → topic/exchange → queue/group →
// consumer, one row per stream and each queue or group it feeds, failing paths first, then the busiest.
import { adjacency, stateRank, worstState } from './focus.ts';
import type { FlowAlertState, FlowEdge, FlowNode, Flows } from './queries.ts';

export interface FlowPath {
  id: string;
  state: FlowAlertState;
  producers: FlowNode[];
  stream: FlowNode;
  /** The queue or consumer group, when anything reads the stream. */
  via: FlowNode | null;
  consumers: FlowNode[];
  /** The stream's publishes per second, and what reaches `via`. */
  published: number | null;
  delivered: number | null;
}

const byLabel = (a: FlowNode, b: FlowNode) => a.label.localeCompare(b.label);

export function listPaths(flows: Pick<Flows, 'nodes' | 'edges'>): FlowPath[] {
  const byId = new Map(flows.nodes.map((n) => [n.id, n]));
  const outOf = new Map<string, FlowEdge[]>();
  for (const e of flows.edges) {
    const list = outOf.get(e.source);
    if (list) list.push(e);
    else outOf.set(e.source, [e]);
  }
  const from = (id: string) => outOf.get(id) ?? [];
  const up = adjacency(flows, false);
  const nodesOf = (ids: string[]) => ids.flatMap((id) => byId.get(id) ?? []).sort(byLabel);
  const paths: FlowPath[] = [];
  for (const stream of flows.nodes) {
    if (stream.kind !== 'topic' && stream.kind !== 'exchange') continue;
    const producers = nodesOf(up.get(stream.id) ?? []);
    const out = from(stream.id).filter((e) => {
      const kind = byId.get(e.target)?.kind;
      return kind === 'queue' || kind === 'group';
    });
    const base = { producers, stream, published: stream.msg_per_sec };
    if (out.length === 0)
      paths.push({ ...base, id: stream.id, state: stream.alert_state, via: null, consumers: [], delivered: null });
    for (const e of out) {
      const via = byId.get(e.target) ?? null;
      paths.push({
        ...base,
        id: e.id,
        state: worstState([stream.alert_state, e.alert_state]),
        via,
        consumers: nodesOf(from(e.target).map((c) => c.target)),
        delivered: e.msg_per_sec,
      });
    }
  }
  return paths.sort(
    (a, b) =>
      stateRank(b.state) - stateRank(a.state) ||
      (b.published ?? 0) - (a.published ?? 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
