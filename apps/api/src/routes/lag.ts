// Consumer lag per Kafka group and RabbitMQ queue, with its Burrow-style status and history.
import { z } from 'zod';
import { lagDetail, latestLag } from '@rollcall/collector/lag/queries';
import { brokerParam, iso, rangeQuery, resolveRange } from '../params.ts';
import { notFound } from '../problem.ts';
import type { RouteDeps } from './deps.ts';

const status = z.enum(['OK', 'WARN', 'STALL', 'STOP', 'ERR']);
export const groupLagSchema = z.object({
  broker: brokerParam,
  cluster: z.string(),
  group: z.string(),
  status,
  reason: z.string(),
  lag: z.number(),
  lag_seconds: z.number(),
  consumers: z.number(),
  streams: z.array(z.string()),
});
export const lagResponse = z.object({ at: z.string().nullable(), groups: z.array(groupLagSchema) });
export const lagDetailResponse = groupLagSchema.extend({
  from: z.string(),
  to: z.string(),
  at: z.string(),
  step_seconds: z.number(),
  partitions: z.array(
    z.object({
      stream: z.string(),
      partition: z.number(),
      committed: z.number().nullable(),
      log_start: z.number().nullable(),
      log_end: z.number().nullable(),
      lag: z.number(),
      lag_seconds: z.number().nullable(),
      owner: z.string().nullable(),
      unacked: z.number().nullable(),
      consumers: z.number().nullable(),
      publish_rate: z.number().nullable(),
      deliver_rate: z.number().nullable(),
      ack_rate: z.number().nullable(),
    }),
  ),
  series: z.array(z.object({ t: z.string(), lag: z.number(), lag_seconds: z.number() })),
  statuses: z.array(z.object({ t: z.string(), status, reason: z.string() })),
});

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
    params: z.strictObject({ broker: brokerParam, group: z.string().min(1).max(512) }),
    query: rangeQuery({}),
    response: lagDetailResponse,
    handler: async ({ params, query }) => {
      const range = resolveRange(query, now());
      const detail = await lagDetail(store, params.broker, params.group, range.from, range.to);
      if (!detail) throw notFound(`no lag samples for ${params.broker} ${params.broker === 'kafka' ? 'group' : 'queue'} "${params.group}"`);
      return { ...detail, from: iso(range.from), to: iso(range.to) };
    },
  });
}
