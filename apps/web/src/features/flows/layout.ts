// Left-to-right layout of the topology with dagre: producers → topics/exchanges → queues/groups → consumers.
import dagre from '@dagrejs/dagre';
import type { FlowEdge, FlowNode } from './queries.ts';

export const NODE_WIDTH = 236;
export const NODE_HEIGHT = 76;

export interface Placed {
  node: FlowNode;
  x: number;
  y: number;
}

export function layoutFlows(nodes: FlowNode[], edges: FlowEdge[]): Placed[] {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 90, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const ids = new Set(nodes.map((n) => n.id));
  for (const e of edges) if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((node) => {
    const p = g.node(node.id);
    // dagre gives centres; React Flow wants top-left corners
    return { node, x: (p.x ?? 0) - NODE_WIDTH / 2, y: (p.y ?? 0) - NODE_HEIGHT / 2 };
  });
}

/** Edge thickness grows with the log of the rate, so a 10 msg/s edge is still visible next to a 10k one. */
export function edgeWidth(rate: number, maxRate: number): number {
  if (maxRate <= 0 || rate <= 0) return 1;
  return 1 + 7 * (Math.log10(1 + rate) / Math.log10(1 + maxRate));
}
