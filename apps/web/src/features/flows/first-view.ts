// The flow map's first view: the whole graph when it fits at a legible zoom; else what the page is about (the
// selected node, or the nodes with alerts, or the first one) with as many rings of the nodes it exchanges messages
// with as fit legibly, so a failing chain opens with its producers and consumers in sight rather than with its
// alert alone in the middle of the canvas and the rest of the chain off its edge.
import { NODE_HEIGHT, NODE_WIDTH, READABLE_ZOOM, type Placed } from './layout.ts';

export interface FirstView {
  maxZoom: number;
  minZoom: number;
  /** Nodes to fit; all of them when absent. */
  nodes?: { id: string }[];
}

/** The zoom at which these nodes, with a margin, fill a canvas of `size`. */
function zoomToFit(placed: Placed[], size: { width: number; height: number }): number {
  const xs = placed.map((p) => p.x);
  const ys = placed.map((p) => p.y);
  const width = Math.max(...xs) - Math.min(...xs) + NODE_WIDTH + 80;
  const height = Math.max(...ys) - Math.min(...ys) + NODE_HEIGHT + 120;
  return Math.min(size.width / width, size.height / height);
}

export function firstView(
  placed: Placed[],
  edges: { source: string; target: string }[],
  selected: string | null,
  size: { width: number; height: number },
): FirstView {
  if (placed.length === 0 || zoomToFit(placed, size) >= READABLE_ZOOM) return { maxZoom: 1.1, minZoom: READABLE_ZOOM };
  const alerting = placed.filter((p) => p.node.alert_state !== 'ok');
  const focus = selected
    ? placed.filter((p) => p.node.id === selected)
    : alerting.length > 0
      ? alerting
      : placed.slice(0, 1);
  const neighbours = new Map<string, string[]>();
  const link = (from: string, to: string) => {
    const list = neighbours.get(from);
    if (list) list.push(to);
    else neighbours.set(from, [to]);
  };
  for (const { source, target } of edges) {
    link(source, target);
    link(target, source);
  }
  const byId = new Map(placed.map((p) => [p.node.id, p]));
  let chosen = focus;
  let ring = focus.map((p) => p.node.id);
  const seen = new Set(ring);
  while (ring.length > 0) {
    const next = ring.flatMap((id) => neighbours.get(id) ?? []).filter((id) => !seen.has(id) && byId.has(id));
    for (const id of next) seen.add(id);
    const wider = [...seen].flatMap((id) => byId.get(id) ?? []);
    if (next.length === 0 || zoomToFit(wider, size) < READABLE_ZOOM) break;
    chosen = wider;
    ring = [...new Set(next)];
  }
  return { maxZoom: 1, minZoom: READABLE_ZOOM, nodes: chosen.map((p) => ({ id: p.node.id })) };
}
