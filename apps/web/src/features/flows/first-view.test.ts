import { describe, expect, it } from 'vitest';
import { firstView, placeOnAxis, viewportFor } from './first-view.ts';
import type { ViewNode } from './group.ts';
import { NODE_WIDTH, READABLE_ZOOM, nodeRect, type Box, type Placed } from './layout.ts';
import { testEdge as edge } from './test-graph.ts';

// A chain of seven nodes left to right, 300 px apart, the fourth one firing.
const ids = ['producer', 'exchange', 'queue', 'consumer', 'topic', 'group', 'sink'];
const placed: Placed[] = ids.map((id, i) => ({
  node: { id, alert_state: id === 'consumer' ? 'firing' : 'ok' } as ViewNode,
  x: i * 300,
  y: 0,
}));
const edges = ids.slice(1).map((id, i) => edge(ids[i] ?? '', id));
const chosen = (size: { width: number; height: number }, selected: string | null = null) =>
  firstView(placed, edges, selected, size).nodes;

describe('the flow map’s first view', () => {
  it('shows everything when it fits legibly, every node inside the canvas', () => {
    const size = { width: 2400, height: 600 };
    const { nodes, viewport } = firstView(placed, edges, null, size);
    expect(nodes).toEqual(ids);
    expect(viewport.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    for (const p of placed) {
      expect(p.x * viewport.zoom + viewport.x).toBeGreaterThanOrEqual(0);
      expect((p.x + NODE_WIDTH) * viewport.zoom + viewport.x).toBeLessThanOrEqual(size.width);
    }
  });

  it("opens the demo's card chain whole at 1280 px (its labels at 11.3 px), not five nodes and a cut consumer", () => {
    // producer → cards / card.requests → fraud queue → fraud-service, as dagre lays it out; the canvas at 1280 px
    const chain: Placed[] = [
      ['card-service', 0, 80],
      ['cards', 340, 0],
      ['card.requests', 340, 150],
      ['fraud.card-authorizations', 630, 0],
      ['fraud-service', 930, 0],
    ].map(([id, x, y]) => ({ node: { id, alert_state: 'ok' } as ViewNode, x: Number(x), y: Number(y) }));
    const view = firstView(chain, [], null, { width: 1048, height: 550 });
    expect(view.nodes).toHaveLength(5);
    expect(view.viewport.zoom * 13).toBeGreaterThanOrEqual(11);
  });

  it('else shows the alert with as many of its neighbours, nearest first, as fit legibly', () => {
    // three nodes (2 × 300 + 196 + 80 = 876 px wide) fit 800 px at 0.91; five (1,476 px) do not
    expect(chosen({ width: 800, height: 600 })).toEqual(['consumer', 'queue', 'topic']);
    expect(chosen({ width: 1400, height: 600 })).toEqual(['consumer', 'queue', 'topic', 'exchange', 'group']);
    // the selected node instead of the alert
    expect(chosen({ width: 800, height: 600 }, 'producer')).toEqual(['producer', 'exchange', 'queue']);
  });

  it('shows as many nodes of a ring too tall to fit as fit, nearest first', () => {
    // An exchange bound to eight queues stacked one above the other, 110 px apart.
    const queues = Array.from({ length: 8 }, (_, i) => `q${i}`);
    const fan: Placed[] = [
      { node: { id: 'cards', alert_state: 'firing' } as ViewNode, x: 0, y: 385 },
      ...queues.map((id, i) => ({ node: { id, alert_state: 'ok' } as ViewNode, x: 300, y: i * 110 })),
    ];
    const view = firstView(
      fan,
      queues.map((q) => edge('cards', q)),
      null,
      { width: 1000, height: 500 },
    );
    // The queues beside the exchange first; 500 px at the readable zoom holds four (3 × 110 + 76 + 120 px tall)
    expect(view.nodes).toEqual(['cards', 'q3', 'q4', 'q2', 'q5']);
  });

  it('fits a domain box whole with its nodes, its head above them included', () => {
    // Five nodes in one domain; the box's head reaches 90 px above them, past the margin a fit of the nodes
    // alone leaves (the canvas centred on the nodes at zoom 1.1 starts 80 px above them).
    const row = placed.slice(0, 5);
    const box: Box = { domain: 'pay', x: -20, y: -90, width: 1236, height: 176 };
    const size = { width: 2000, height: 260 };
    const { nodes, viewport } = firstView(row, edges, null, size, [box]);
    expect(nodes).toHaveLength(5);
    const [left, top] = [box.x * viewport.zoom + viewport.x, box.y * viewport.zoom + viewport.y];
    expect(left).toBeGreaterThanOrEqual(0);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(left + box.width * viewport.zoom).toBeLessThanOrEqual(size.width);
    expect(top + box.height * viewport.zoom).toBeLessThanOrEqual(size.height);
  });

  it('slides the camera so that a domain’s name is not cut at the canvas edge', () => {
    // The firing node alone is shown (a far node keeps the map from fitting whole); centred on it, the canvas
    // would start at x = -2 and cut the name of the domain box that starts at x = -100.
    const alone: Placed[] = [
      { node: { id: 'focus', alert_state: 'firing' } as ViewNode, x: 400, y: 0 },
      { node: { id: 'far', alert_state: 'ok' } as ViewNode, x: 3000, y: 0 },
    ];
    const box: Box = { domain: 'pay', x: -100, y: -40, width: 900, height: 150 };
    const { nodes, viewport } = firstView(alone, [], null, { width: 1000, height: 600 }, [box]);
    expect(nodes).toEqual(['focus']);
    expect(box.x * viewport.zoom + viewport.x).toBeGreaterThanOrEqual(0);
  });

  it('keeps the alert alone when not even its neighbours fit', () => {
    expect(chosen({ width: NODE_WIDTH + 200, height: 600 })).toEqual(['consumer']);
  });
});

describe('placing the camera', () => {
  it('slides the window to show a neighbour whole rather than leave two cut at the edges', () => {
    // keep [400, 596] in a window of 1000; centred (at -2) it would cut both [-150, 46] and [900, 1096]
    expect(
      placeOnAxis(
        [400, 596],
        [
          [-150, 46],
          [900, 1096],
        ],
        1000,
        40,
      ),
    ).toBe(96);
    // nothing to slide for: centred
    expect(placeOnAxis([400, 596], [], 1000, 40)).toBe(-2);
    // what must be kept does not fit: centred on it
    expect(placeOnAxis([0, 2000], [[2100, 2296]], 1000, 40)).toBe(500);
  });

  it('places React Flow’s viewport so that no node of the row is cut at the canvas edge', () => {
    const node = (id: string, x: number): Placed => ({ node: { id, alert_state: 'ok' } as ViewNode, x, y: 0 });
    const all = [node('left', -150), node('focus', 400), node('right', 900)];
    const [focus, others] = [all.filter((p) => p.node.id === 'focus'), all.filter((p) => p.node.id !== 'focus')];
    const viewport = viewportFor(focus.map(nodeRect), others.map(nodeRect), 1, { width: 1000, height: 400 });
    expect(viewport.x).toBe(-96);
    // each node wholly on the canvas or wholly off it
    for (const p of all) {
      const [a, b] = [p.x + viewport.x, p.x + NODE_WIDTH + viewport.x];
      expect(b <= 0 || a >= 1000 || (a >= 0 && b <= 1000)).toBe(true);
    }
  });
});
