import { describe, expect, it } from 'vitest';
import { firstView } from './first-view.ts';
import type { ViewNode } from './group.ts';
import { NODE_WIDTH, READABLE_ZOOM, type Placed } from './layout.ts';
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
  firstView(placed, edges, selected, size).nodes?.map((n) => n.id);

describe('the flow map’s first view', () => {
  it('shows everything when it fits legibly', () => {
    expect(firstView(placed, edges, null, { width: 2400, height: 600 })).toEqual({
      maxZoom: 1.1,
      minZoom: READABLE_ZOOM,
    });
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
    expect(view.nodes?.map((n) => n.id)).toEqual(['cards', 'q3', 'q4', 'q2', 'q5']);
  });

  it('keeps the alert alone when not even its neighbours fit', () => {
    expect(chosen({ width: NODE_WIDTH + 200, height: 600 })).toEqual(['consumer']);
  });
});
