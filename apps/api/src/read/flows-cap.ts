// The server-side cap of the flow map: a broker with 10,000 exchanges cannot be drawn, so only the `limit`
// topics and exchanges that matter most are kept (alerts first, then the busiest, then by id so the choice is
// stable), with the services, queues and groups connected to them; the rest is counted, not sent.
import type { FlowAlertState, FlowEdge, FlowNode } from '@rollcall/contract/flows';

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface CappedFlows extends FlowGraph {
  omitted: { streams: number; nodes: number; edges: number };
}

const RANK: Record<FlowAlertState, number> = { ok: 0, pending: 1, firing: 2 };
const isStream = (n: FlowNode) => n.kind === 'topic' || n.kind === 'exchange';
const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Alerts first, then the busiest now, then the busiest over the range, then by id. */
export function streamPriority(a: FlowNode, b: FlowNode): number {
  const rate = (n: FlowNode) => n.msg_per_sec ?? 0;
  return RANK[b.alert_state] - RANK[a.alert_state] || rate(b) - rate(a) || b.count - a.count || byId(a, b);
}

export function capFlows(graph: FlowGraph, limit: number): CappedFlows {
  const nodes = [...graph.nodes].sort(byId);
  const edges = [...graph.edges].sort(byId);
  const streams = nodes.filter(isStream);
  if (streams.length <= limit) return { nodes, edges, omitted: { streams: 0, nodes: 0, edges: 0 } };

  const kind = new Map(nodes.map((n) => [n.id, n]));
  const keep = new Set(
    streams
      .sort(streamPriority)
      .slice(0, limit)
      .map((n) => n.id),
  );
  // Downstream of a kept stream up to the next stream (its queues, groups and consumers), and its producers.
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  const queue = [...keep];
  while (queue.length > 0) {
    for (const target of out.get(queue.pop() ?? '') ?? []) {
      const to = kind.get(target);
      if (to && !isStream(to) && !keep.has(to.id)) {
        keep.add(to.id);
        queue.push(to.id);
      }
    }
  }
  for (const e of edges) {
    const from = kind.get(e.source);
    const to = kind.get(e.target);
    if (from && to && isStream(to) && keep.has(to.id) && !isStream(from)) keep.add(from.id);
  }
  const keptNodes = nodes.filter((n) => keep.has(n.id));
  const keptEdges = edges.filter((e) => keep.has(e.source) && keep.has(e.target));
  return {
    nodes: keptNodes,
    edges: keptEdges,
    omitted: {
      streams: streams.length - limit,
      nodes: nodes.length - keptNodes.length,
      edges: edges.length - keptEdges.length,
    },
  };
}
