import { describe, expect, it } from 'vitest';
import { focusFlows } from './focus.ts';
import type { FlowEdge, FlowNode, Flows } from './queries.ts';

const node = (id: string, rate = 1): FlowNode => ({ id, kind: 'topic', label: id, broker: 'kafka', msg_per_sec: rate, count: 60 * rate, alert_state: 'ok' });
const edge = (source: string, target: string, rate = 1): FlowEdge => ({ id: `${source}->${target}`, source, target, msg_per_sec: rate, count: 1, alert_state: 'ok' });
const graph = (nodes: FlowNode[], edges: FlowEdge[]): Flows => ({ from: '', to: '', rate_window: { from: '', to: '' }, limit: 300, omitted: { streams: 0, nodes: 0, edges: 0 }, nodes, edges });
const ids = (f: Flows) => f.nodes.map((n) => n.id).sort();

describe('focusFlows', () => {
  // two chains sharing a hub: a1 → hub → a2 and b1 → hub → b2, plus an idle leftover group
  const flows = graph(
    [node('a1'), node('a2'), node('b1'), node('b2'), node('hub'), node('idle-group', 0), node('idle-topic', 0)],
    [edge('a1', 'hub'), edge('hub', 'a2'), edge('b1', 'hub'), edge('hub', 'b2'), edge('idle-topic', 'idle-group', 0)],
  );

  it('hides idle nodes and edges unless asked', () => {
    expect(ids(focusFlows(flows, { search: '', showIdle: false }))).toEqual(['a1', 'a2', 'b1', 'b2', 'hub']);
    expect(focusFlows(flows, { search: '', showIdle: true }).nodes).toHaveLength(7);
  });

  it('keeps what flows into and out of a match, without crossing a hub sideways', () => {
    expect(ids(focusFlows(flows, { search: 'a1', showIdle: false }))).toEqual(['a1', 'a2', 'b2', 'hub']);
    const focused = focusFlows(flows, { search: 'A2', showIdle: false });
    expect(ids(focused)).toEqual(['a1', 'a2', 'b1', 'hub']);
    expect(focused.edges.map((e) => e.id).sort()).toEqual(['a1->hub', 'b1->hub', 'hub->a2']);
  });

  it('draws nothing when nothing matches', () => {
    expect(focusFlows(flows, { search: 'nope', showIdle: true }).nodes).toEqual([]);
  });
});
