import { describe, expect, it } from 'vitest';
import type { FlowEdge, FlowNode } from '@rollcall/contract/flows';
import { capFlows } from './flows-cap.ts';

const node = (
  id: string,
  kind: FlowNode['kind'],
  msg_per_sec = 1,
  alert_state: FlowNode['alert_state'] = 'ok',
): FlowNode => ({ id, kind, label: id, broker: null, msg_per_sec, count: 60 * msg_per_sec, alert_state });
const edge = (source: string, target: string): FlowEdge => ({
  id: `${source}->${target}`,
  source,
  target,
  msg_per_sec: 1,
  count: 60,
  alert_state: 'ok',
});

describe('capFlows', () => {
  // svc publishes to a busy exchange, a quiet one that is firing, and 10 idle ones; each exchange feeds a queue
  const idle = Array.from({ length: 10 }, (_, i) => `x${i}`);
  const graph = {
    nodes: [
      node('svc', 'producer'),
      node('busy', 'exchange', 500),
      node('busy.q', 'queue'),
      node('reader', 'consumer'),
      node('failing', 'exchange', 0.1, 'firing'),
      node('failing.q', 'queue'),
      ...idle.flatMap((x) => [node(x, 'exchange', 0), node(`${x}.q`, 'queue', 0)]),
    ],
    edges: [
      edge('svc', 'busy'),
      edge('busy', 'busy.q'),
      edge('busy.q', 'reader'),
      edge('svc', 'failing'),
      edge('failing', 'failing.q'),
      ...idle.flatMap((x) => [edge('svc', x), edge(x, `${x}.q`)]),
    ],
  };

  it('keeps the streams with alerts first, then the busiest, with what they connect, and counts the rest', () => {
    const capped = capFlows(graph, 2);
    expect(capped.nodes.map((n) => n.id)).toEqual(['busy', 'busy.q', 'failing', 'failing.q', 'reader', 'svc']);
    expect(capped.edges.map((e) => e.id)).toEqual([
      'busy->busy.q',
      'busy.q->reader',
      'failing->failing.q',
      'svc->busy',
      'svc->failing',
    ]);
    expect(capped.omitted).toEqual({ streams: 10, nodes: 20, edges: 20 });
    expect(capFlows(graph, 1).nodes.map((n) => n.id)).toEqual(['failing', 'failing.q', 'svc']);
  });

  it('sends everything, sorted by id, under the limit', () => {
    const all = capFlows({ nodes: [...graph.nodes].reverse(), edges: [...graph.edges].reverse() }, 100);
    expect(all.omitted).toEqual({ streams: 0, nodes: 0, edges: 0 });
    expect(all.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id).sort());
  });

  it('chooses the same streams whatever order they come in (ties broken by id)', () => {
    const tied = { nodes: idle.map((x) => node(x, 'exchange', 0)), edges: [] };
    expect(capFlows(tied, 3).nodes.map((n) => n.id)).toEqual(['x0', 'x1', 'x2']);
    expect(capFlows({ nodes: [...tied.nodes].reverse(), edges: [] }, 3).nodes.map((n) => n.id)).toEqual([
      'x0',
      'x1',
      'x2',
    ]);
  });
});
