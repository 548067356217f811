// Left-to-right layout of the topology with dagre: producers → topics/exchanges → queues/groups → consumers, each
// domain's nodes kept together in a box. Nodes and edges go in sorted by id, so the same graph always gets the
// same picture and one new consumer does not reshuffle the rest.
import dagre from '@dagrejs/dagre';
import type { ViewNode } from './group.ts';
import type { FlowEdge } from './queries.ts';

export const NODE_WIDTH = 196;
export const NODE_HEIGHT = 76;
/** The label's font size at zoom 1 (see flows.css); the map never opens below the zoom that keeps it at 11 px. */
export const LABEL_PX = 13;
export const READABLE_ZOOM = 11.2 / LABEL_PX;

export interface Placed {
  node: ViewNode;
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A domain's box as drawn: around its nodes, with room for its head (the domain's name and fold button). */
export interface Box extends Rect {
  domain: string;
}

/** Room inside a box around its nodes, and above them for its head (see .flow-box-head). */
const BOX_PAD = 10;
export const BOX_HEAD = 26;
/** The part of a box's head that holds its label: what the first view keeps from being cut at the canvas edge. */
export const BOX_LABEL = { width: 220, height: BOX_PAD + BOX_HEAD };

export const nodeRect = (p: Placed): Rect => ({ x: p.x, y: p.y, width: NODE_WIDTH, height: NODE_HEIGHT });

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const CLUSTER = 'cluster:';

export function layoutFlows(nodes: ViewNode[], edges: FlowEdge[]): { placed: Placed[]; boxes: Box[] } {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  // network simplex gives the tidiest ranks but is slow past a few dozen nodes with domain boxes
  g.setGraph({
    rankdir: 'LR',
    nodesep: 30,
    ranksep: 96,
    marginx: 24,
    marginy: 32,
    ranker: nodes.length > 80 ? 'longest-path' : 'network-simplex',
  });
  g.setDefaultEdgeLabel(() => ({}));
  const sorted = [...nodes].sort(byId);
  const members = new Map<string, number>();
  for (const n of sorted) if (n.domain) members.set(n.domain, (members.get(n.domain) ?? 0) + 1);
  const boxed = [...members].filter(([, count]) => count > 1).map(([d]) => d);
  for (const d of boxed.sort()) g.setNode(CLUSTER + d, {});
  for (const n of sorted) {
    g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
    if (n.domain && boxed.includes(n.domain)) g.setParent(n.id, CLUSTER + n.domain);
  }
  const ids = new Set(nodes.map((n) => n.id));
  for (const e of [...edges].sort(byId)) if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const placed = sorted.map((node) => {
    const p = g.node(node.id);
    // dagre gives centres; React Flow wants top-left corners
    return { node, x: (p.x ?? 0) - NODE_WIDTH / 2, y: (p.y ?? 0) - NODE_HEIGHT / 2 };
  });
  const boxes = boxed.map((domain) => {
    const p = g.node(CLUSTER + domain);
    return {
      domain,
      x: p.x - p.width / 2 - BOX_PAD,
      y: p.y - p.height / 2 - BOX_PAD - BOX_HEAD,
      width: p.width + 2 * BOX_PAD,
      height: p.height + 2 * BOX_PAD + BOX_HEAD,
    };
  });
  return { placed, boxes };
}

/** Edge thickness grows with the log of the rate, so a 10 msg/s edge is still visible next to a 10k one. */
export function edgeWidth(rate: number, maxRate: number): number {
  if (maxRate <= 0 || rate <= 0) return 1;
  return 1 + 7 * (Math.log10(1 + rate) / Math.log10(1 + maxRate));
}
