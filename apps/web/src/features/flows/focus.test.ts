import { describe, expect, it } from 'vitest';
import { activeFlows, defaultStreams, pathsThrough, searchFlows } from './focus.ts';
import type { FlowEdge, FlowNode, Flows } from './queries.ts';
import { testEdge as edge } from './test-graph.ts';

const node = (
  id: string,
  rate = 1,
  kind: FlowNode['kind'] = 'topic',
  alert_state: FlowNode['alert_state'] = 'ok',
): FlowNode => ({ id, kind, label: id, broker: 'kafka', msg_per_sec: rate, count: 60 * rate, alert_state });
const graph = (nodes: FlowNode[], edges: FlowEdge[]): Flows => ({
  from: '',
  to: '',
  rate_window: { from: '', to: '' },
  limit: 300,
  omitted: { streams: 0, nodes: 0, edges: 0 },
  nodes,
  edges,
});
const ids = (f: Flows) => f.nodes.map((n) => n.id).sort();

describe('activeFlows and searchFlows', () => {
  // two chains sharing a hub: a1 → hub → a2 and b1 → hub → b2, plus an idle leftover group
  const flows = graph(
    [node('a1'), node('a2'), node('b1'), node('b2'), node('hub'), node('idle-group', 0), node('idle-topic', 0)],
    [edge('a1', 'hub'), edge('hub', 'a2'), edge('b1', 'hub'), edge('hub', 'b2'), edge('idle-topic', 'idle-group', 0)],
  );

  it('hides idle nodes and edges unless asked', () => {
    expect(ids(activeFlows(flows, false))).toEqual(['a1', 'a2', 'b1', 'b2', 'hub']);
    expect(activeFlows(flows, true).nodes).toHaveLength(7);
  });

  it('keeps what flows into and out of a match, without crossing a hub sideways', () => {
    expect(ids(searchFlows(flows, 'a1'))).toEqual(['a1', 'a2', 'b2', 'hub']);
    const focused = searchFlows(flows, 'A2');
    expect(ids(focused)).toEqual(['a1', 'a2', 'b1', 'hub']);
    expect(focused.edges.map((e) => e.id).sort()).toEqual(['a1->hub', 'b1->hub', 'hub->a2']);
  });

  it('draws nothing when nothing matches', () => {
    expect(searchFlows(flows, 'nope').nodes).toEqual([]);
  });
});

describe('the default view', () => {
  // card-svc reads requests and publishes cards (firing); a busy unrelated orders chain; a shared consumer
  const nodes = [
    node('pos', 1, 'producer'),
    node('requests', 10),
    node('requests.g', 10, 'group'),
    node('card-svc', 10, 'producer'),
    node('cards', 8, 'exchange', 'firing'),
    node('cards.q', 8, 'queue'),
    node('fraud-svc', 8, 'consumer'),
    node('shop', 500, 'producer'),
    node('orders', 500),
    node('orders.g', 500, 'group'),
    node('biller', 500, 'consumer'),
  ];
  const edges = [
    edge('pos', 'requests'),
    edge('requests', 'requests.g'),
    edge('requests.g', 'card-svc'),
    edge('card-svc', 'cards'),
    edge('cards', 'cards.q'),
    edge('cards.q', 'fraud-svc'),
    edge('shop', 'orders'),
    edge('orders', 'orders.g'),
    edge('orders.g', 'biller'),
  ];
  const flows = graph(nodes, edges);

  it('opens on the paths through streams with alerts: producers, queues or groups, consumers', () => {
    expect(defaultStreams(flows)).toEqual({ ids: ['cards'], reason: 'alerts' });
    expect(ids(pathsThrough(flows, ['cards']))).toEqual(['card-svc', 'cards', 'cards.q', 'fraud-svc']);
  });

  it('opens on the busiest streams when nothing alerts', () => {
    const calm = graph(
      nodes.map((n) => ({ ...n, alert_state: 'ok' as const })),
      edges,
    );
    expect(defaultStreams(calm)).toEqual({ ids: ['orders', 'requests', 'cards'], reason: 'busiest' });
  });
});
