// The flow map's graph: producers → topics/exchanges → queues/groups → consumers.
import { z } from 'zod';
import { echoedRange, rangeQuery } from './params.ts';

const flowAlertState = z.enum(['ok', 'pending', 'firing']);
const flowNodeKind = z.enum(['producer', 'topic', 'exchange', 'queue', 'group', 'consumer']);

export const FLOWS_DEFAULT_LIMIT = 300;
export const FLOWS_MAX_LIMIT = 20_000;

export const flowsQuery = rangeQuery({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(FLOWS_MAX_LIMIT)
    .default(FLOWS_DEFAULT_LIMIT)
    .describe(
      'topics and exchanges drawn at most: those with alerts first, then the busiest; the rest are counted in `omitted`',
    ),
});
const rateDescription =
  'msg/s over `rate_window` (the last complete minutes of the range), from the first message in it; null while no complete minute has data for it yet (its first message in the range is at or after `rate_window.to`), 0 when it carried nothing in the window after earlier traffic';
const nodeSchema = z.object({
  id: z.string(),
  kind: flowNodeKind,
  label: z.string(),
  broker: z.enum(['kafka', 'rabbitmq']).nullable(),
  msg_per_sec: z.number().nullable().describe(rateDescription),
  count: z.number().describe('messages over the whole range'),
  alert_state: flowAlertState,
});
const edgeSchema = z.object({
  id: z.string(),
  source: z.string(),
  target: z.string(),
  msg_per_sec: z.number().nullable().describe(rateDescription),
  count: z.number().describe('messages over the whole range'),
  alert_state: flowAlertState,
});
export const flowsResponse = z.object({
  ...echoedRange,
  rate_window: z
    .object(echoedRange)
    .describe(
      'publishes and deliveries per second are counted over this window: the last complete minutes (at most 5) of the range',
    ),
  limit: z.number(),
  omitted: z
    .object({ streams: z.number(), nodes: z.number(), edges: z.number() })
    .describe('left out by `limit`: the quietest topics and exchanges without alerts, and what only they connect'),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
});

/** The worst state of the rules watching a stream ('ok' when none is pending or firing). */
export type FlowAlertState = z.output<typeof flowAlertState>;
export type FlowNodeKind = z.output<typeof flowNodeKind>;
export type FlowNode = z.output<typeof nodeSchema>;
export type FlowEdge = z.output<typeof edgeSchema>;
export type Flows = z.output<typeof flowsResponse>;
