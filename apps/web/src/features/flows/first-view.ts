// The flow map's first view: the whole graph when it fits at a legible zoom; else what the page is about (the
// selected node, or the nodes with alerts, or the first one) with as many of the nodes it exchanges messages with,
// nearest first, as fit legibly, so a failing chain opens with its producers and consumers in sight rather than with its
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
  // One node at a time while they still fit, always the neighbour of a chosen node nearest the focus on the canvas:
  // when a whole ring is too tall (an exchange bound to many queues), the ones beside the focus are shown.
  const byId = new Map(placed.map((p) => [p.node.id, p]));
  const cx = focus.reduce((n, p) => n + p.x, 0) / focus.length;
  const cy = focus.reduce((n, p) => n + p.y, 0) / focus.length;
  const distance = (p: Placed) => Math.hypot(p.x - cx, p.y - cy);
  const chosen = [...focus];
  const taken = new Set(focus.map((p) => p.node.id));
  for (;;) {
    const frontier = chosen
      .flatMap((p) => neighbours.get(p.node.id) ?? [])
      .flatMap((id) => (taken.has(id) ? [] : (byId.get(id) ?? [])));
    const next = frontier.reduce<Placed | undefined>((a, p) => (!a || distance(p) < distance(a) ? p : a), undefined);
    if (!next || zoomToFit([...chosen, next], size) < READABLE_ZOOM) break;
    chosen.push(next);
    taken.add(next.node.id);
  }
  return { maxZoom: 1, minZoom: READABLE_ZOOM, nodes: chosen.map((p) => ({ id: p.node.id })) };
}
