// Consumer lag per Kafka group and RabbitMQ queue, with its Burrow-style status and history.
import { lagDetail } from '@rollcall/collector/lag/queries';
import { lagDetailQuery, lagDetailResponse, lagPath, lagQuery, lagResponse } from '@rollcall/contract/lag';
import { iso, resolveRange } from '@rollcall/contract/params';
import { notFound } from '../problem.ts';
import { lagList } from '../read/lag.ts';
import type { RouteDeps } from './deps.ts';

export function lagRoutes({ routes, store, now }: RouteDeps): void {
  routes.add({
    method: 'get',
    path: '/api/v1/lag',
    summary:
      'Consumer groups and queues from the latest sampling round, worst status first unless sorted; filtered and paged on the server',
    tag: 'lag',
    role: 'viewer',
    query: lagQuery,
    response: lagResponse,
    handler: ({ query }) => lagList(store, now(), query),
  });

  routes.add({
    method: 'get',
    path: '/api/v1/lag/{broker}/{group}',
    summary: 'One group or queue: partitions, lag over time and status changes',
    tag: 'lag',
    role: 'viewer',
    params: lagPath,
    query: lagDetailQuery,
    response: lagDetailResponse,
    handler: async ({ params, query }) => {
      const range = resolveRange(query, now());
      const detail = await lagDetail(store, params.broker, params.group, range.from, range.to);
      if (!detail)
        throw notFound(
          `no lag samples for ${params.broker} ${params.broker === 'kafka' ? 'group' : 'queue'} "${params.group}"`,
        );
      return { ...detail, from: iso(range.from), to: iso(range.to) };
    },
  });
}
