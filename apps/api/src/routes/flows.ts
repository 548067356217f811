// The flow map's graph.
import { z } from 'zod';
import type { Alerting } from '@rollcall/rules/alerting';
import { ruleWatches } from '@rollcall/rules/watch';
import { iso, rangeQuery, resolveRange } from '../params.ts';
import { flows, type AlertState, type FlowInputs } from '../read/flows.ts';
import type { RouteDeps } from './deps.ts';

const alertState = z.enum(['ok', 'pending', 'firing']);
export const flowsResponse = z.object({
  from: z.string(),
  to: z.string(),
  nodes: z.array(z.object({ id: z.string(), kind: z.enum(['producer', 'topic', 'exchange', 'queue', 'group', 'consumer']), label: z.string(), broker: z.enum(['kafka', 'rabbitmq']).nullable(), msg_per_sec: z.number(), alert_state: alertState })),
  edges: z.array(z.object({ id: z.string(), source: z.string(), target: z.string(), msg_per_sec: z.number(), count: z.number(), alert_state: alertState })),
});

/** The worst current alert state among the rules watching each stream. */
export function streamStates(alerting: Alerting | undefined): FlowInputs['streamState'] {
  const statuses = alerting?.engine.statuses() ?? [];
  return (broker, stream) =>
    statuses.reduce<AlertState>((worst, s) => {
      if (s.status.state === 'inactive' || !ruleWatches(s.rule, broker, stream)) return worst;
      return s.status.state === 'firing' || worst === 'firing' ? 'firing' : 'pending';
    }, 'ok');
}

export function flowRoutes({ routes, store, config, now, alerting, connectionNames }: RouteDeps): void {
  routes.add({
    method: 'get',
    path: '/api/v1/flows',
    summary: 'Producers → topics/exchanges → queues/groups → consumers, with msg/s over the range and alert state',
    tag: 'flows',
    role: 'viewer',
    query: rangeQuery({}),
    response: flowsResponse,
    handler: async ({ query }) => {
      const range = resolveRange(query, now());
      const graph = await flows(store, range, { connectionNames, streamState: streamStates(alerting), hiddenGroups: [config.kafka.group_id] });
      return { from: iso(range.from), to: iso(range.to), ...graph };
    },
  });
}

