// The flow map's graph.
import { iso, resolveRange } from '@rollcall/contract/params';
import { flowsQuery, flowsResponse, type FlowAlertState } from '@rollcall/contract/flows';
import type { Alerting } from '@rollcall/rules/rules-role';
import { ruleWatches } from '@rollcall/rules/watch';
import { capFlows } from '../read/flows-cap.ts';
import { flows, type FlowInputs } from '../read/flows.ts';
import type { RouteDeps } from './deps.ts';

/** The worst current alert state among the rules watching each stream. */
export function streamStates(alerting: Alerting | undefined): FlowInputs['streamState'] {
  const statuses = alerting?.engine.statuses() ?? [];
  return (broker, stream) =>
    statuses.reduce<FlowAlertState>((worst, s) => {
      if (s.status.state === 'inactive' || !ruleWatches(s.rule, broker, stream)) return worst;
      return s.status.state === 'firing' || worst === 'firing' ? 'firing' : 'pending';
    }, 'ok');
}

export function flowRoutes({ routes, store, config, now, alerting, connectionNames }: RouteDeps): void {
  routes.add({
    method: 'get',
    path: '/api/v1/flows',
    summary:
      'Producers → topics/exchanges → queues/groups → consumers: messages over the range, msg/s over the last complete minutes, alert state; at most `limit` topics and exchanges',
    tag: 'flows',
    role: 'viewer',
    query: flowsQuery,
    response: flowsResponse,
    handler: async ({ query }) => {
      const range = resolveRange(query, now());
      const { rateWindow, ...graph } = await flows(store, range, now(), {
        connectionNames,
        streamState: streamStates(alerting),
        hiddenGroups: [config.kafka.group_id],
      });
      const capped = capFlows(graph, query.limit);
      return {
        from: iso(range.from),
        to: iso(range.to),
        rate_window: { from: iso(rateWindow.from), to: iso(rateWindow.to) },
        limit: query.limit,
        ...capped,
      };
    },
  });
}
