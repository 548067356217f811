// The flow map's first view: the whole graph when it fits at a legible zoom; else what the page is about (the
// selected node, or the nodes with alerts, or the first one) with as many of the nodes it exchanges messages with,
// nearest first, as fit legibly, so a failing chain opens with its producers and consumers in sight rather than with its
// alert alone in the middle of the canvas and the rest of the chain off its edge. The camera is placed here, not by
// React Flow's fitView, which centres the chosen nodes and leaves whatever lies half in the canvas cut at its edge:
// the view slides, within what keeps the chosen nodes in it, to where the fewest other nodes and domain labels are cut.
import { BOX_LABEL, nodeRect, READABLE_ZOOM, type Box, type Placed, type Rect } from './layout.ts';

type Size = { width: number; height: number };

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface FirstView {
  /** The nodes the view was chosen to show (every node when the whole graph fits). */
  nodes: string[];
  /** React Flow's viewport: a node at (px, py) is drawn at (px · zoom + x, py · zoom + y). */
  viewport: Viewport;
}

/** Canvas kept free around the chosen nodes, in screen pixels. */
const MARGIN = { x: 40, y: 60 };
const MAX_ZOOM = 1.1;

/** The zoom at which these rectangles, with a margin, fill a canvas of `size`. */
function zoomToFit(rects: Rect[], size: Size): number {
  const [x, y] = [bounds(rects.map(xSpan)), bounds(rects.map(ySpan))];
  return Math.min(size.width / (x[1] - x[0] + 2 * MARGIN.x), size.height / (y[1] - y[0] + 2 * MARGIN.y));
}

type Span = [number, number];

/**
 * Where a window of length `span` starts on one axis so that it holds `keep` (with `margin` inside each end) and
 * cuts as few of `others` as it can, a cut being one that is partly in and partly out; then shows as many of them
 * whole as it can; then stays nearest the centre of `keep`. When `keep` does not fit, it is centred.
 */
export function placeOnAxis(keep: Span, others: Span[], span: number, margin: number): number {
  const centre = (keep[0] + keep[1]) / 2 - span / 2;
  const lo = keep[1] + margin - span;
  const hi = keep[0] - margin;
  if (lo > hi) return centre;
  const clamp = (v: number) => Math.min(hi, Math.max(lo, v));
  // The starts where some node's side meets an edge of the window: between two of them nothing changes.
  const candidates = [centre, lo, hi, ...others.flatMap(([a, b]) => [a, b - span, b, a - span])].map(clamp);
  const score = (v: number) => {
    let cut = 0;
    let whole = 0;
    for (const [a, b] of others) {
      if (b <= v || a >= v + span) continue;
      if (a >= v && b <= v + span) whole++;
      else cut++;
    }
    return { cut, whole, off: Math.abs(v - centre) };
  };
  let best = clamp(centre);
  let bestScore = score(best);
  for (const v of candidates) {
    const s = score(v);
    const better =
      s.cut < bestScore.cut ||
      (s.cut === bestScore.cut &&
        (s.whole > bestScore.whole || (s.whole === bestScore.whole && s.off < bestScore.off)));
    if (better) [best, bestScore] = [v, s];
  }
  return best;
}

const xSpan = (r: Rect): Span => [r.x, r.x + r.width];
const ySpan = (r: Rect): Span => [r.y, r.y + r.height];
const bounds = (spans: Span[]): Span => [Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))];
const overlaps = (s: Span, w: Span) => s[1] > w[0] && s[0] < w[1];

/** The camera on `keep` at `zoom`, slid (rows first, among what any such window could show, then columns among
 * what is in those rows) so that as few of `others` as possible sit half outside the canvas. */
export function viewportFor(keep: Rect[], others: Rect[], zoom: number, size: Size): Viewport {
  const [width, height] = [size.width / zoom, size.height / zoom];
  const keepX = bounds(keep.map(xSpan));
  const reachable = others.filter((r) => overlaps(xSpan(r), [keepX[1] - width, keepX[0] + width]));
  const top = placeOnAxis(bounds(keep.map(ySpan)), reachable.map(ySpan), height, MARGIN.y / zoom);
  const rows: Span = [top, top + height];
  const inRows = others.filter((r) => overlaps(ySpan(r), rows)).map(xSpan);
  const left = placeOnAxis(keepX, inRows, width, MARGIN.x / zoom);
  return { x: -left * zoom, y: -top * zoom, zoom };
}

/** Where a domain's name sits: the part of its box's head a cut would make unreadable. */
const labelOf = (b: Box): Rect => ({
  x: b.x,
  y: b.y,
  width: Math.min(b.width, BOX_LABEL.width),
  height: BOX_LABEL.height,
});

/** The selected node, or the nodes with alerts, or the first one, grown one neighbour at a time while the whole
 * still fits at the readable zoom, always the neighbour nearest the focus on the canvas: when a whole ring is too
 * tall (an exchange bound to many queues), the ones beside the focus are shown. */
function chooseNodes(
  placed: Placed[],
  edges: { source: string; target: string }[],
  selected: string | null,
  size: Size,
): Placed[] {
  const alerting = placed.filter((p) => p.node.alert_state !== 'ok');
  const focus = selected
    ? placed.filter((p) => p.node.id === selected)
    : alerting.length > 0
      ? alerting
      : placed.slice(0, 1);
  if (focus.length === 0) return placed.slice(0, 1);
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
    if (!next || zoomToFit([...chosen, next].map(nodeRect), size) < READABLE_ZOOM) break;
    chosen.push(next);
    taken.add(next.node.id);
  }
  return chosen;
}

export function firstView(
  placed: Placed[],
  edges: { source: string; target: string }[],
  selected: string | null,
  size: Size,
  boxes: Box[] = [],
): FirstView {
  if (placed.length === 0) return { nodes: [], viewport: { x: 0, y: 0, zoom: 1 } };
  // A map that fits whole at a readable zoom, domain boxes and all, is shown whole, and may be drawn larger than
  // life; otherwise a part, placed so that as few other nodes and domain names as possible are cut.
  const whole = [...placed.map(nodeRect), ...boxes];
  const fitsWhole = zoomToFit(whole, size) >= READABLE_ZOOM;
  const chosen = fitsWhole ? placed : chooseNodes(placed, edges, selected, size);
  const keep = fitsWhole ? whole : chosen.map(nodeRect);
  const ids = new Set(chosen.map((p) => p.node.id));
  const others = fitsWhole ? [] : [...placed.filter((p) => !ids.has(p.node.id)).map(nodeRect), ...boxes.map(labelOf)];
  // never below the readable zoom, even when a single chosen node is wider than the canvas
  const zoom = Math.max(READABLE_ZOOM, Math.min(fitsWhole ? MAX_ZOOM : 1, zoomToFit(keep, size)));
  return { nodes: chosen.map((p) => p.node.id), viewport: viewportFor(keep, others, zoom, size) };
}
