// Consumer lag per Kafka group and RabbitMQ queue, with its Burrow-style status and history.
import { lagDetail, latestLag } from '@rollcall/collector/lag/queries';
import { lagDetailQuery, lagDetailResponse, lagPath, lagResponse } from '@rollcall/contract/lag';
import { iso, resolveRange } from '@rollcall/contract/params';
import { notFound } from '../problem.ts';
import type { RouteDeps } from './deps.ts';

export function lagRoutes({ routes, store, now }: RouteDeps): void {
  routes.add({
    method: 'get',
    path: '/api/v1/lag',
    summary: 'Every consumer group and queue from the latest sampling round, worst status first',
    tag: 'lag',
    role: 'viewer',
    response: lagResponse,
    handler: () => latestLag(store, now()),
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
      if (!detail) throw notFound(`no lag samples for ${params.broker} ${params.broker === 'kafka' ? 'group' : 'queue'} "${params.group}"`);
      return { ...detail, from: iso(range.from), to: iso(range.to) };
    },
  });
}
