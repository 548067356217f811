import { describe, expect, it } from 'vitest';
import { groupFlows } from './group.ts';
import { edgeWidth, layoutFlows } from './layout.ts';
import type { FlowEdge, FlowNode } from './queries.ts';
import { testEdge as edge } from './test-graph.ts';

const node = (id: string, kind: FlowNode['kind']): FlowNode => ({
  id,
  kind,
  label: id,
  broker: null,
  msg_per_sec: 1,
  count: 60,
  alert_state: 'ok',
});
const layout = (nodes: FlowNode[], edges: FlowEdge[]) => {
  const g = groupFlows({ nodes, edges }, new Set());
  return layoutFlows(g.nodes, g.edges);
};

describe('layoutFlows', () => {
  const nodes = [
    node('fraud-service', 'consumer'),
    node('pay.cards', 'exchange'),
    node('card-service', 'producer'),
    node('pay.fraud.q', 'queue'),
    node('risk.scores', 'topic'),
  ];
  const edges = [
    edge('card-service', 'pay.cards'),
    edge('pay.cards', 'pay.fraud.q'),
    edge('pay.fraud.q', 'fraud-service'),
    edge('fraud-service', 'risk.scores'),
  ];

  it('lays a chain out left to right in flow order', () => {
    const x = Object.fromEntries(layout(nodes, edges).placed.map((p) => [p.node.id, p.x]));
    const order = ['card-service', 'pay.cards', 'pay.fraud.q', 'fraud-service', 'risk.scores'].map(
      (id) => x[id] ?? Number.NaN,
    );
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThan(order[i - 1] ?? Infinity);
  });

  it('boxes a domain around its nodes', () => {
    const { placed, boxes } = layout(nodes, edges);
    expect(boxes.map((b) => b.domain)).toEqual(['pay']);
    const box = boxes[0] ?? { x: 0, y: 0, width: 0, height: 0 };
    for (const p of placed.filter((q) => q.node.domain === 'pay')) {
      expect(p.x).toBeGreaterThanOrEqual(box.x);
      expect(p.x).toBeLessThanOrEqual(box.x + box.width);
    }
  });

  it('places every node, ignoring edges to nodes it was not given', () => {
    const { placed } = layout([node('a', 'producer'), node('b', 'topic')], [edge('a', 'b'), edge('b', 'gone')]);
    expect(placed.map((p) => p.node.id).sort()).toEqual(['a', 'b']);
    expect(placed.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
  });

  // a broker with three exchanges, each with a queue and a consumer
  const fan = ['a', 'b', 'c'].flatMap((x) => [
    node(`d.${x}`, 'exchange'),
    node(`d.${x}.q`, 'queue'),
    node(`svc-${x}`, 'consumer'),
  ]);
  const fanEdges = ['a', 'b', 'c'].flatMap((x) => [
    edge('producer', `d.${x}`),
    edge(`d.${x}`, `d.${x}.q`),
    edge(`d.${x}.q`, `svc-${x}`),
  ]);
  const all = [node('producer', 'producer'), ...fan];
  const at = (l: ReturnType<typeof layout>) => Object.fromEntries(l.placed.map((p) => [p.node.id, [p.x, p.y]]));

  it('draws the same picture whatever order the graph comes in', () => {
    expect(at(layout([...all].reverse(), [...fanEdges].reverse()))).toEqual(at(layout(all, fanEdges)));
  });

  it('keeps every node in its column and order when one consumer is added', () => {
    const before = at(layout(all, fanEdges));
    const after = at(layout([...all, node('svc-z', 'consumer')], [...fanEdges, edge('d.c.q', 'svc-z')]));
    const order = (pos: Record<string, number[]>, ids: string[]) =>
      [...ids].sort((p, q) => (pos[p]?.[1] ?? 0) - (pos[q]?.[1] ?? 0));
    for (const id of Object.keys(before)) expect(after[id]?.[0], id).toBe(before[id]?.[0]);
    for (const column of [
      ['d.a', 'd.b', 'd.c'],
      ['d.a.q', 'd.b.q', 'd.c.q'],
      ['svc-a', 'svc-b', 'svc-c'],
    ])
      expect(order(after, column)).toEqual(order(before, column));
  });
});

describe('edgeWidth', () => {
  it('grows with the log of the rate and keeps quiet edges visible', () => {
    expect(edgeWidth(0, 1000)).toBe(1);
    expect(edgeWidth(1000, 1000)).toBe(8);
    expect(edgeWidth(10, 1000)).toBeGreaterThan(1);
    expect(edgeWidth(10, 1000)).toBeLessThan(edgeWidth(100, 1000));
  });
});
