import { describe, expect, it } from 'vitest';
import { domainOf, groupFlows } from './group.ts';
import type { FlowNode } from './queries.ts';
import { testEdge as edge } from './test-graph.ts';

const node = (
  id: string,
  kind: FlowNode['kind'],
  msg_per_sec = 1,
  alert_state: FlowNode['alert_state'] = 'ok',
): FlowNode => ({ id, kind, label: id, broker: 'rabbitmq', msg_per_sec, count: 60 * msg_per_sec, alert_state });

describe('domainOf', () => {
  it('is the first segment of a dotted stream, queue or group name; services stand alone', () => {
    expect(domainOf({ kind: 'exchange', label: 'payments.cards' })).toBe('payments');
    expect(domainOf({ kind: 'queue', label: 'orders' })).toBeNull();
    expect(domainOf({ kind: 'producer', label: 'svc.payments' })).toBeNull();
  });
});

describe('groupFlows', () => {
  // one service publishing to 20 exchanges of one domain: the busiest, a firing quiet one, and 18 quiet ones
  const quiet = Array.from({ length: 18 }, (_, i) => node(`bulk.x${String(i).padStart(2, '0')}`, 'exchange', 0.01));
  const nodes = [
    node('svc', 'producer', 100),
    node('bulk.busy', 'exchange', 90),
    node('bulk.failing', 'exchange', 0.001, 'firing'),
    ...quiet,
  ];
  const edges = nodes.slice(1).map((n) => edge('svc', n.id, n.msg_per_sec ?? 0));

  it('merges the quietest nodes of a kind past the limit into "N other exchanges", keeping alerts', () => {
    const g = groupFlows({ nodes, edges }, new Set(), 8);
    const ids = g.nodes.map((n) => n.id);
    expect(ids).toContain('bulk.busy');
    expect(ids).toContain('bulk.failing');
    const others = g.nodes.find((n) => n.kind === 'others');
    expect(others).toMatchObject({ label: '13 other exchanges', domain: 'bulk' });
    expect(others?.msg_per_sec).toBeCloseTo(13 * 0.01, 6);
    expect(g.nodes.filter((n) => n.kind === 'exchange')).toHaveLength(7);
    expect(g.edges.find((e) => e.target === others?.id)?.msg_per_sec).toBeCloseTo(0.13, 6);
    expect(g.nodes.find((n) => n.id === 'bulk.busy')?.display).toBe('busy');
  });

  it('draws a folded domain as one node with its worst state and the edges of its members', () => {
    const g = groupFlows({ nodes, edges }, new Set(['bulk']));
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['domain:bulk', 'svc']);
    expect(g.nodes.find((n) => n.id === 'domain:bulk')).toMatchObject({
      kind: 'domain',
      alert_state: 'firing',
      members: expect.arrayContaining(['bulk.busy', 'bulk.x00']),
    });
    expect(g.edges).toEqual([
      expect.objectContaining({ id: 'svc->domain:bulk', count: edges.reduce((a, e) => a + e.count, 0) }),
    ]);
  });
});
