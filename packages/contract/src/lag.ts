// Consumer lag per Kafka group and RabbitMQ queue, with its Burrow-style status and history.
import { z } from 'zod';
import { pagedResponse, pageFields, sortParam } from './page.ts';
import { brokerParam, echoedRange, rangeQuery } from './params.ts';

const lagStatus = z.enum(['OK', 'WARN', 'STALL', 'STOP', 'ERR']);
const groupLagSchema = z.object({
  broker: brokerParam,
  cluster: z.string(),
  group: z.string(),
  status: lagStatus,
  reason: z.string(),
  lag: z.number(),
  lag_seconds: z.number(),
  consumers: z.number(),
  streams: z.array(z.string()),
});
export const LAG_SORTS = ['worst', 'broker', 'group', 'lag', 'time', 'consumers'] as const;
export type LagSort = (typeof LAG_SORTS)[number];
export const lagQuery = z.strictObject({
  q: z.string().max(200).optional().describe('keep groups whose name or a stream contains this (case-insensitive)'),
  status: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(lagStatus))
    .optional()
    .describe('keep these statuses (comma-separated)'),
  broker: brokerParam.optional(),
  sort: sortParam(LAG_SORTS)
    .optional()
    .describe('order of the list (default worst: status, then time behind, then messages behind)'),
  ...pageFields,
});
export const lagResponse = z.object({
  at: z.string().nullable(),
  ...pagedResponse,
  counts: z
    .partialRecord(lagStatus, z.number())
    .describe('groups per status among those matching q and broker (before the status filter)'),
  groups: z.array(groupLagSchema),
});

export const lagPath = z.strictObject({ broker: brokerParam, group: z.string().min(1).max(512) });
export const lagDetailQuery = rangeQuery({});
const partitionSchema = z.object({
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
});
export const lagDetailResponse = groupLagSchema.extend({
  ...echoedRange,
  at: z.string(),
  step_seconds: z.number(),
  partitions: z.array(partitionSchema),
  series: z.array(z.object({ t: z.string(), lag: z.number(), lag_seconds: z.number() })),
  statuses: z.array(z.object({ t: z.string(), status: lagStatus, reason: z.string() })),
});

export type LagStatus = z.output<typeof lagStatus>;
export type LagGroup = z.output<typeof groupLagSchema>;
export type LagResponse = z.output<typeof lagResponse>;
/** A Kafka partition, or a RabbitMQ queue's single row (its fields that do not apply are null). */
export type LagPartition = z.output<typeof partitionSchema>;
export type LagGroupDetail = z.output<typeof lagDetailResponse>;
