import { describe, expect, it } from 'vitest';
import { listPaths } from './paths.ts';
import type { FlowEdge, FlowNode } from './queries.ts';

const node = (
  id: string,
  kind: FlowNode['kind'],
  msg_per_sec = 1,
  alert_state: FlowNode['alert_state'] = 'ok',
): FlowNode => ({ id, kind, label: id, broker: null, msg_per_sec, count: 60, alert_state });
const edge = (
  source: string,
  target: string,
  msg_per_sec = 1,
  alert_state: FlowEdge['alert_state'] = 'ok',
): FlowEdge => ({ id: `${source}->${target}`, source, target, msg_per_sec, count: 60, alert_state });

describe('listPaths', () => {
  const nodes = [
    node('shop', 'producer'),
    node('orders', 'topic', 50),
    node('billing', 'group'),
    node('biller', 'consumer'),
    node('card-svc', 'producer'),
    node('cards', 'exchange', 6, 'firing'),
    node('fraud.q', 'queue'),
    node('fraud-svc', 'consumer'),
    node('audit', 'exchange', 0),
  ];
  const edges = [
    edge('shop', 'orders', 50),
    edge('orders', 'billing', 48),
    edge('billing', 'biller', 48),
    edge('card-svc', 'cards', 6, 'firing'),
    edge('cards', 'fraud.q', 6, 'firing'),
    edge('fraud.q', 'fraud-svc', 6),
  ];

  it('lists producer → stream → queue/group → consumer, failing paths first, then the busiest', () => {
    const paths = listPaths({ nodes, edges });
    expect(
      paths.map((p) => [
        p.producers.map((n) => n.id),
        p.stream.id,
        p.via?.id ?? null,
        p.consumers.map((n) => n.id),
        p.state,
      ]),
    ).toEqual([
      [['card-svc'], 'cards', 'fraud.q', ['fraud-svc'], 'firing'],
      [['shop'], 'orders', 'billing', ['biller'], 'ok'],
      [[], 'audit', null, [], 'ok'],
    ]);
    expect(paths[1]).toMatchObject({ published: 50, delivered: 48 });
  });
});
