import { describe, expect, it } from 'vitest';
import { edgeWidth, layoutFlows } from './layout.ts';
import type { FlowEdge, FlowNode } from './queries.ts';

const node = (id: string, kind: FlowNode['kind']): FlowNode => ({ id, kind, label: id, broker: null, msg_per_sec: 1, count: 60, alert_state: 'ok' });
const edge = (source: string, target: string): FlowEdge => ({ id: `${source}->${target}`, source, target, msg_per_sec: 1, count: 60, alert_state: 'ok' });

describe('layoutFlows', () => {
  it('lays a chain out left to right in flow order', () => {
    const nodes = [node('fraud-service', 'consumer'), node('cards', 'exchange'), node('card-service', 'producer'), node('fraud.q', 'queue'), node('scores', 'topic')];
    const edges = [edge('card-service', 'cards'), edge('cards', 'fraud.q'), edge('fraud.q', 'fraud-service'), edge('fraud-service', 'scores')];
    const x = Object.fromEntries(layoutFlows(nodes, edges).map((p) => [p.node.id, p.x]));
    const order = ['card-service', 'cards', 'fraud.q', 'fraud-service', 'scores'].map((id) => x[id] ?? Number.NaN);
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThan(order[i - 1] ?? Infinity);
  });

  it('places every node, ignoring edges to nodes it was not given', () => {
    const placed = layoutFlows([node('a', 'producer'), node('b', 'topic')], [edge('a', 'b'), edge('b', 'gone')]);
    expect(placed.map((p) => p.node.id).sort()).toEqual(['a', 'b']);
    expect(placed.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
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
