// What the map draws of a broker with thousands of exchanges: whatever the server sends (at most its cap, 300
// topics and exchanges by default), the map folds and merges it into a graph of bounded size a person can read.
import { describe, expect, it } from 'vitest';
import { groupFlows } from './group.ts';
import { layoutFlows } from './layout.ts';
import { listPaths } from './paths.ts';
import type { FlowEdge, FlowNode } from './queries.ts';
import { testEdge as edge } from './test-graph.ts';

const node = (id: string, kind: FlowNode['kind'], msg_per_sec: number): FlowNode => ({
  id,
  kind,
  label: id,
  broker: kind === 'producer' || kind === 'consumer' ? null : 'rabbitmq',
  msg_per_sec,
  count: 60 * msg_per_sec,
  alert_state: 'ok',
});

describe('a capped broker of many exchanges', () => {
  // 10,000 exchanges in 10 domains, each with a queue and its own consumer, all fed by one gateway
  const n = 10_000;
  const nodes = [node('gateway', 'producer', n)];
  const edges: FlowEdge[] = [];
  for (let i = 0; i < n; i++) {
    const x = `d${i % 10}.x${i}`;
    const rate = 1 / (1 + i);
    nodes.push(node(x, 'exchange', rate), node(`${x}.q`, 'queue', rate), node(`svc-${i}`, 'consumer', rate));
    edges.push(edge('gateway', x, rate), edge(x, `${x}.q`, rate), edge(`${x}.q`, `svc-${i}`, rate));
  }

  it('merges the quietest of each domain and kind into "N other …", so the drawing stays the same size', () => {
    const view = groupFlows({ nodes, edges }, new Set());
    // per domain: the 7 busiest exchanges + "993 other exchanges", the same for queues; consumers: 7 + the rest
    expect(view.nodes.find((v) => v.id === 'others:d0:exchange')?.label).toBe('993 other exchanges');
    expect(view.nodes.find((v) => v.id === 'others::consumer')?.label).toBe('9993 other consumers');
    expect(view.nodes.filter((v) => v.kind === 'exchange').map((v) => v.id)).toContain('d0.x0');
    const { placed, boxes } = layoutFlows(view.nodes, view.edges);
    expect(placed).toHaveLength(1 + 10 * 16 + 8);
    expect(boxes).toHaveLength(10);
  });

  it('folds every domain into one node each when asked, the quietest domains merged past 8', () => {
    const view = groupFlows({ nodes, edges }, new Set(Array.from({ length: 10 }, (_, i) => `d${i}`)));
    expect(view.nodes.filter((v) => v.kind === 'domain')).toHaveLength(7);
    expect(view.nodes.find((v) => v.id === 'others::domain')?.label).toBe('3 other domains');
  });

  it('lists every path for the phone', () => {
    const paths = listPaths({ nodes, edges });
    expect(paths).toHaveLength(n);
    expect(paths[0]?.stream.id).toBe('d0.x0');
  });
});
