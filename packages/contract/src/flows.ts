// The flow map's graph: producers → topics/exchanges → queues/groups → consumers.
import { z } from 'zod';
import { echoedRange, rangeQuery } from './params.ts';

const flowAlertState = z.enum(['ok', 'pending', 'firing']);
const flowNodeKind = z.enum(['producer', 'topic', 'exchange', 'queue', 'group', 'consumer']);

export const flowsQuery = rangeQuery({});
const nodeSchema = z.object({ id: z.string(), kind: flowNodeKind, label: z.string(), broker: z.enum(['kafka', 'rabbitmq']).nullable(), msg_per_sec: z.number(), alert_state: flowAlertState });
const edgeSchema = z.object({ id: z.string(), source: z.string(), target: z.string(), msg_per_sec: z.number(), count: z.number(), alert_state: flowAlertState });
export const flowsResponse = z.object({ ...echoedRange, nodes: z.array(nodeSchema), edges: z.array(edgeSchema) });

/** The worst state of the rules watching a stream ('ok' when none is pending or firing). */
export type FlowAlertState = z.output<typeof flowAlertState>;
export type FlowNodeKind = z.output<typeof flowNodeKind>;
export type FlowNode = z.output<typeof nodeSchema>;
export type FlowEdge = z.output<typeof edgeSchema>;
export type Flows = z.output<typeof flowsResponse>;
